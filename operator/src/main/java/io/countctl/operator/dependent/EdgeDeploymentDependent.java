package io.countctl.operator.dependent;

import io.countctl.api.config.Setting;
import io.countctl.operator.reconcile.Component;
import io.countctl.operator.reconcile.CounterPlan;
import io.countctl.operator.reconcile.PlatformSettings;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.List;

/** {@code <name>-edge}: the HTTP/SSE frontends. */
public class EdgeDeploymentDependent extends ComponentDeployment {
  public EdgeDeploymentDependent() {
    super(Component.EDGE);
  }

  @Override
  protected List<EnvVar> ownEnv(CounterPlan plan) {
    // Workers and the downtime handler call each edge's internal port directly, by pod IP
    // (Kubernetes expands $(POD_IP)); the edge Service does not carry that port.
    return List.of(
        fromPod("POD_IP", "status.podIP"),
        fromPod(Setting.EDGE_ID.key(), "metadata.name"),
        literal(Setting.INTERNAL_PORT.key(), String.valueOf(PlatformSettings.EDGE_INTERNAL_PORT)),
        literal(Setting.ADVERTISED_URL.key(), "http://$(POD_IP):" + PlatformSettings.EDGE_INTERNAL_PORT));
  }

  @Override
  protected List<ContainerPort> ownPorts() {
    return List.of(new ContainerPortBuilder().withName("internal").withContainerPort(PlatformSettings.EDGE_INTERNAL_PORT)
        .withProtocol("TCP").build());
  }
}
