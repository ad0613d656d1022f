package io.countctl.operator.dependent;

import io.countctl.operator.reconcile.Component;
import io.countctl.operator.reconcile.CounterPlan;
import io.countctl.operator.reconcile.PlatformSettings;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.List;

/**
 * {@code <name>-region-merge}: the worker image in its region-merge role, exchanging per-region
 * state with {@code spec.peers}. Only present while peers are set ({@link PeersConfigured}).
 */
public class RegionMergeDeploymentDependent extends ComponentDeployment {
  public RegionMergeDeploymentDependent() {
    super(Component.REGION_MERGE);
  }

  @Override
  protected List<EnvVar> ownEnv(CounterPlan plan) {
    return List.of(
        literal(PlatformSettings.ROLE, "region-merge"),
        fromPod(PlatformSettings.WORKER_ID, "metadata.name"));
  }
}
