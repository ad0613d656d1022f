package io.countctl.operator.dependent;

import io.countctl.api.model.DistributedCounter;
import io.countctl.operator.reconcile.CounterPlan;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/** {@code <name>-config}: the settings every component reads as environment ({@code COUNT_*}). */
public class ConfigMapDependent extends PlatformDependent<ConfigMap> {
  public ConfigMapDependent() {
    super(ConfigMap.class);
  }

  @Override
  protected String objectName(String counterName) {
    return counterName + "-config";
  }

  @Override
  protected ConfigMap build(DistributedCounter primary, Context<DistributedCounter> context) {
    return desiredFor(plan(context));
  }

  public ConfigMap desiredFor(CounterPlan plan) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(plan.configMapName())
        .withNamespace(plan.namespace())
        .withLabels(plan.labels())
        .endMetadata()
        .withData(plan.settings())
        .build();
  }
}
