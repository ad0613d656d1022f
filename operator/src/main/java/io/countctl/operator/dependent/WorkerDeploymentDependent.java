package io.countctl.operator.dependent;

import io.countctl.api.config.Setting;
import io.countctl.operator.reconcile.Component;
import io.countctl.operator.reconcile.CounterPlan;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.List;

/** {@code <name>-worker}: the reducers and live fan-out, one Kafka consumer group. */
public class WorkerDeploymentDependent extends ComponentDeployment {
  public WorkerDeploymentDependent() {
    super(Component.WORKER);
  }

  @Override
  protected List<EnvVar> ownEnv(CounterPlan plan) {
    // The downtime handler knows a worker by its pod name.
    return List.of(fromPod(Setting.WORKER_ID.key(), "metadata.name"));
  }
}
