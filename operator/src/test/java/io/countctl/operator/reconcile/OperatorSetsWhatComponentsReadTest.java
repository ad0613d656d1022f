package io.countctl.operator.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.countctl.api.config.Setting;
import io.countctl.api.config.SettingUse;
import io.countctl.api.model.CounterOptions;
import io.countctl.api.model.DistributedCounter;
import io.countctl.operator.Samples;
import io.countctl.operator.dependent.ComponentDeployment;
import io.countctl.operator.dependent.ConfigMapDependent;
import io.countctl.operator.dependent.DowntimeHandlerDeploymentDependent;
import io.countctl.operator.dependent.EdgeDeploymentDependent;
import io.countctl.operator.dependent.RegionMergeDeploymentDependent;
import io.countctl.operator.dependent.WorkerDeploymentDependent;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The operator sets exactly the settings the components it deploys read, as
 * {@link io.countctl.api.config.Setting} lists them: nothing on a Deployment that its component
 * does not read, and everything a component reads unless the list says why the operator leaves it
 * alone ({@link SettingUse#unmanagedReason()}: tuning knobs whose defaults fit, values only
 * {@code countctl dev} and tests set). Checked on a resource that uses every optional field, so
 * that every setting the operator can write is written.
 */
class OperatorSetsWhatComponentsReadTest {
  /** Variables on a Deployment that are no setting, each with its reason. */
  static final Map<String, String> NOT_SETTINGS = Map.of(
      "POD_IP", "Kubernetes expands $(POD_IP) in the edge's COUNT_ADVERTISED_URL",
      "JAVA_TOOL_OPTIONS", "read by the JVM itself: heap and collector sized to the container's memory limit");

  static final List<ComponentDeployment> DEPLOYMENTS = List.of(new EdgeDeploymentDependent(),
      new WorkerDeploymentDependent(), new DowntimeHandlerDeploymentDependent(), new RegionMergeDeploymentDependent());

  /** Peers, a peer secret, a flush interval, counter options and CORS: every optional setting is written. */
  static CounterPlan everything() {
    DistributedCounter dc = Samples.multiRegion();
    dc.getMetadata().setNamespace("apps");
    dc.getSpec().setFlushIntervalMs(20);
    dc.getSpec().setCounters(List.of(new CounterOptions("views", 14, 10, List.of("1h", "all"))));
    if (dc.getSpec().getEdge() == null) {
      dc.getSpec().setEdge(new io.countctl.api.model.EdgeSpec());
    }
    dc.getSpec().getEdge().setCors(new io.countctl.api.model.CorsSpec(List.of("https://app.example")));
    return CounterPlan.of(dc, ImageDefaults.BUILT_IN);
  }

  @Test
  void everyComponentIsDeployed() {
    assertEquals(Set.of(Component.values()), Set.copyOf(DEPLOYMENTS.stream().map(ComponentDeployment::component).toList()));
  }

  @Test
  void everyNameTheConfigMapSetsIsReadByAComponentThatMountsIt() {
    CounterPlan plan = everything();
    List<String> unread = new ArrayList<>();
    for (String name : new ConfigMapDependent().desiredFor(plan).getData().keySet()) {
      boolean read = Setting.named(name).map(s -> DEPLOYMENTS.stream()
          .anyMatch(d -> s.readBy(d.component().reader()))).orElse(false);
      if (!read) {
        unread.add(name);
      }
    }
    assertEquals(List.of(), unread, "the ConfigMap sets names no deployed component reads");
  }

  @Test
  void everyVariableOfADeploymentIsReadByItsComponent() {
    CounterPlan plan = everything();
    List<String> unread = new ArrayList<>();
    for (ComponentDeployment d : DEPLOYMENTS) {
      for (EnvVar e : container(d, plan).getEnv()) {
        if (NOT_SETTINGS.containsKey(e.getName())) {
          continue;
        }
        boolean read = Setting.named(e.getName()).map(s -> s.readBy(d.component().reader())).orElse(false);
        if (!read) {
          unread.add(d.component().label() + ": " + e.getName());
        }
      }
    }
    assertEquals(List.of(), unread, "Deployments set variables their component does not read");
  }

  @Test
  void everySettingAComponentReadsIsSetUnlessTheListSaysWhyNot() {
    CounterPlan plan = everything();
    Set<String> configMap = new ConfigMapDependent().desiredFor(plan).getData().keySet();
    List<String> missing = new ArrayList<>();
    List<String> setThoughListedAsNot = new ArrayList<>();
    for (ComponentDeployment d : DEPLOYMENTS) {
      Container c = container(d, plan);
      Set<String> names = new TreeSet<>(configMap);
      c.getEnv().forEach(e -> names.add(e.getName()));
      for (Setting s : Setting.allReadBy(d.component().reader())) {
        SettingUse use = s.useBy(d.component().reader()).orElseThrow();
        boolean set = names.contains(s.key());
        if (use.setByOperator() && !set) {
          missing.add(d.component().label() + ": " + s.key());
        }
        if (!use.setByOperator() && set) {
          setThoughListedAsNot.add(d.component().label() + ": " + s.key() + " (listed as: " + use.unmanagedReason() + ")");
        }
      }
    }
    assertEquals(List.of(), missing, "components read settings the operator does not set and the api does not say why");
    assertEquals(List.of(), setThoughListedAsNot, "the api says the operator leaves these alone, but it sets them");
  }

  @Test
  void theHashOfAComponentCoversEverySharedSettingItReadsButThePort() {
    CounterPlan plan = everything();
    for (Component c : Component.values()) {
      Set<String> expected = new TreeSet<>();
      plan.settings().keySet().stream()
          .filter(k -> Setting.named(k).orElseThrow().readBy(c.reader()) && !k.equals(Setting.HTTP_PORT.key()))
          .forEach(expected::add);
      Set<String> hashed = new TreeSet<>(plan.settings().keySet());
      hashed.retainAll(c.settingsRead());
      assertEquals(expected, hashed, c.label());
    }
  }

  private static Container container(ComponentDeployment d, CounterPlan plan) {
    return d.desiredFor(plan).getSpec().getTemplate().getSpec().getContainers().getFirst();
  }
}
