package io.countctl.operator.dependent;

import io.countctl.api.model.DistributedCounter;
import io.countctl.operator.reconcile.CounterPlan;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * {@code <name>-platform}: the account of the edges, workers and region merge. They never call the
 * Kubernetes API, so it has no rights and no token is mounted into their pods.
 */
public class PlatformServiceAccountDependent extends PlatformDependent<ServiceAccount> {
  public PlatformServiceAccountDependent() {
    super(ServiceAccount.class);
  }

  @Override
  protected String objectName(String counterName) {
    return counterName + "-platform";
  }

  @Override
  protected ServiceAccount build(DistributedCounter primary, Context<DistributedCounter> context) {
    CounterPlan plan = plan(context);
    return new ServiceAccountBuilder()
        .withNewMetadata()
        .withName(plan.serviceAccountName())
        .withNamespace(plan.namespace())
        .withLabels(plan.labels())
        .endMetadata()
        .withAutomountServiceAccountToken(false)
        .build();
  }
}
