package io.countctl.operator.dependent;

import io.countctl.api.model.DistributedCounter;
import io.countctl.operator.reconcile.Component;
import io.countctl.operator.reconcile.CounterPlan;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/** {@code <name>-downtime-handler}: the downtime handler's account bound to its Role. */
public class DowntimeHandlerRoleBindingDependent extends PlatformDependent<RoleBinding> {
  public DowntimeHandlerRoleBindingDependent() {
    super(RoleBinding.class);
  }

  @Override
  protected String objectName(String counterName) {
    return CounterPlan.resourceName(counterName, Component.DOWNTIME_HANDLER);
  }

  @Override
  protected RoleBinding build(DistributedCounter primary, Context<DistributedCounter> context) {
    CounterPlan plan = plan(context);
    String name = plan.resourceName(Component.DOWNTIME_HANDLER);
    return new RoleBindingBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(plan.namespace())
        .withLabels(plan.labels(Component.DOWNTIME_HANDLER))
        .endMetadata()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName(name).endRoleRef()
        .addNewSubject().withKind("ServiceAccount").withName(name).withNamespace(plan.namespace()).endSubject()
        .build();
  }
}
