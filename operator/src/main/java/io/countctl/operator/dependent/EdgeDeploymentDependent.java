package io.countctl.operator.dependent;

import io.countctl.operator.reconcile.Component;
import io.countctl.operator.reconcile.CounterPlan;
import io.countctl.operator.reconcile.PlatformSettings;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.List;

/** {@code <name>-edge}: the HTTP/SSE frontends. */
public class EdgeDeploymentDependent extends ComponentDeployment {
  public EdgeDeploymentDependent() {
    super(Component.EDGE);
  }

  @Override
  protected List<EnvVar> ownEnv(CounterPlan plan) {
    // Workers call each edge's webhook directly, by pod IP (Kubernetes expands $(POD_IP)).
    return List.of(
        fromPod("POD_IP", "status.podIP"),
        fromPod(PlatformSettings.EDGE_ID, "metadata.name"),
        literal(PlatformSettings.ADVERTISED_URL, "http://$(POD_IP):" + PlatformSettings.PORT));
  }
}
