package io.countctl.operator.dependent;

import io.countctl.api.config.Setting;
import io.countctl.operator.reconcile.Component;
import io.countctl.operator.reconcile.CounterPlan;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code <name>-region-merge}: the worker image in its region-merge role, exchanging per-region
 * state with {@code spec.peers}. Only present while peers are set ({@link PeersConfigured}). With
 * {@code spec.peerSecretRef} it authenticates merges with that shared Secret key.
 */
public class RegionMergeDeploymentDependent extends ComponentDeployment {
  public RegionMergeDeploymentDependent() {
    super(Component.REGION_MERGE);
  }

  @Override
  protected List<EnvVar> ownEnv(CounterPlan plan) {
    // No COUNT_WORKER_ID: the region merge does not read it (it has no downtime handler to report to).
    List<EnvVar> env = new ArrayList<>(List.of(literal(Setting.ROLE.key(), "region-merge")));
    if (plan.peerSecret() != null) {
      // Every region must present the same secret; the generated internal one differs per platform.
      // Not optional: a missing Secret keeps the pod from starting rather than merging unauthenticated.
      env.add(new EnvVarBuilder().withName(Setting.PEER_SECRET.key())
          .withNewValueFrom()
          .withNewSecretKeyRef(plan.peerSecret().getKey(), plan.peerSecret().getName(), false)
          .endValueFrom()
          .build());
    }
    return env;
  }
}
