package io.countctl.operator.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.countctl.api.model.DistributedCounter;
import io.countctl.operator.dependent.DowntimeHandlerRoleDependent;
import io.countctl.operator.lease.LeaderElection;
import io.fabric8.kubernetes.api.model.Event;
import io.countctl.operator.reconcile.DistributedCounterReconciler;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Deleter;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The chart's ClusterRole grants exactly what the operator does, derived from the code: informers
 * (get, list, watch) on every kind it caches; create/update/delete as its dependent resources
 * implement them (JOSDK writes dependents with create and PUT, as server-side apply is off); a JSON
 * patch of the DistributedCounter for the finalizer (the reconciler is a {@link Cleaner}) and of its
 * status; update of its finalizers (owner references block its deletion); the pod reads it grants
 * the downtime handler; creating Events; and the Lease verbs fabric8's LeaseLock uses. Verbs that
 * libraries use underneath are checked on the wire by {@link ObservedRbacTest}.
 */
class ClusterRbacTest {
  @Test
  void clusterRoleListsNoVerbOrResourceTheOperatorDoesNotUse() throws Exception {
    Set<String> needed = new TreeSet<>();
    for (Dependent d : DistributedCounterReconciler.class.getAnnotation(Workflow.class).dependents()) {
      var dependent = (KubernetesDependentResource<?, ?>) d.type().getDeclaredConstructor().newInstance();
      Class<? extends HasMetadata> kind = dependent.resourceType();
      grant(needed, kind, "", "get", "list", "watch");
      if (dependent instanceof Creator<?, ?>) {
        grant(needed, kind, "", "create");
      }
      if (dependent instanceof Updater<?, ?>) {
        grant(needed, kind, "", "update");
      }
      if (dependent instanceof Deleter<?>) {
        grant(needed, kind, "", "delete");
      }
    }
    grant(needed, DistributedCounter.class, "", "get", "list", "watch");
    if (Cleaner.class.isAssignableFrom(DistributedCounterReconciler.class)) {
      grant(needed, DistributedCounter.class, "", "patch");
    }
    grant(needed, DistributedCounter.class, "/status", "patch");
    // Owner references carry blockOwnerDeletion: true.
    grant(needed, DistributedCounter.class, "/finalizers", "update");
    // What the operator grants the downtime handler it must hold (RBAC escalation prevention).
    DowntimeHandlerRoleDependent.RULES.forEach(rule -> rule.getResources().forEach(r -> rule.getVerbs().forEach(v ->
        needed.add(rule.getApiGroups().getFirst() + " " + r + " " + v))));
    grant(needed, Event.class, "", "create");
    grant(needed, Lease.class, "", LeaderElection.LEASE_VERBS.toArray(String[]::new));

    ClusterRole role = RenderedChart.render(Map.of()).the(ClusterRole.class);
    Set<String> granted = new TreeSet<>();
    role.getRules().forEach(rule -> rule.getApiGroups().forEach(g -> rule.getResources().forEach(r ->
        rule.getVerbs().forEach(v -> granted.add(g + " " + r + " " + v)))));

    assertEquals(needed, granted, "the chart's ClusterRole must grant exactly what the operator uses");
  }

  private static void grant(Set<String> into, Class<? extends HasMetadata> kind, String subresource, String... verbs) {
    for (String verb : verbs) {
      into.add(HasMetadata.getGroup(kind) + " " + HasMetadata.getPlural(kind) + subresource + " " + verb);
    }
  }
}
