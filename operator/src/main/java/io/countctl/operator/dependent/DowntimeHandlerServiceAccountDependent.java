package io.countctl.operator.dependent;

import io.countctl.api.model.DistributedCounter;
import io.countctl.operator.reconcile.Component;
import io.countctl.operator.reconcile.CounterPlan;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/** {@code <name>-downtime-handler}: the downtime handler's account, bound to {@link DowntimeHandlerRoleDependent}. */
public class DowntimeHandlerServiceAccountDependent extends PlatformDependent<ServiceAccount> {
  public DowntimeHandlerServiceAccountDependent() {
    super(ServiceAccount.class);
  }

  @Override
  protected String objectName(String counterName) {
    return CounterPlan.resourceName(counterName, Component.DOWNTIME_HANDLER);
  }

  @Override
  protected ServiceAccount build(DistributedCounter primary, Context<DistributedCounter> context) {
    CounterPlan plan = plan(context);
    return new ServiceAccountBuilder()
        .withNewMetadata()
        .withName(plan.resourceName(Component.DOWNTIME_HANDLER))
        .withNamespace(plan.namespace())
        .withLabels(plan.labels(Component.DOWNTIME_HANDLER))
        .endMetadata()
        .build();
  }
}
