package io.countctl.operator.dependent;

import io.countctl.api.model.DistributedCounter;
import io.countctl.operator.reconcile.Component;
import io.countctl.operator.reconcile.CounterPlan;
import io.countctl.operator.reconcile.PlatformSettings;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/** A Service (ClusterIP unless a subclass says otherwise) in front of one component's pods, port {@value PlatformSettings#PORT}. */
public abstract class ComponentService extends PlatformDependent<Service> {
  private final Component component;

  protected ComponentService(Component component) {
    super(Service.class);
    this.component = component;
  }

  @Override
  protected String objectName(String counterName) {
    return CounterPlan.resourceName(counterName, component);
  }

  @Override
  protected Service build(DistributedCounter primary, Context<DistributedCounter> context) {
    return desiredFor(plan(context));
  }

  /**
   * The address (and node ports) the API server allocated are the server's, and the address cannot
   * change: an update keeps them rather than relying on the server to fill emptied fields back in.
   */
  @Override
  public void keepWhatOthersOwn(Service actual, Service desired) {
    if (actual.getSpec() == null) {
      return;
    }
    desired.getSpec().setClusterIP(actual.getSpec().getClusterIP());
    desired.getSpec().setClusterIPs(actual.getSpec().getClusterIPs());
    if (actual.getSpec().getPorts() != null && !"ClusterIP".equals(desired.getSpec().getType())) {
      desired.getSpec().getPorts().forEach(p -> actual.getSpec().getPorts().stream()
          .filter(a -> p.getName().equals(a.getName()) && a.getNodePort() != null)
          .findFirst().ifPresent(a -> p.setNodePort(a.getNodePort())));
    }
  }

  /** The Service type; the components reached only from inside the cluster are ClusterIP. */
  protected String type(CounterPlan plan) {
    return "ClusterIP";
  }

  protected String portName() {
    return "http";
  }

  public Service desiredFor(CounterPlan plan) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(plan.resourceName(component))
        .withNamespace(plan.namespace())
        .withLabels(plan.labels(component))
        .endMetadata()
        .withNewSpec()
        .withType(type(plan))
        .withSelector(plan.selector(component))
        .addNewPort()
        .withName(portName())
        .withPort(PlatformSettings.PORT)
        .withTargetPort(new IntOrString("http"))
        .withProtocol("TCP")
        .endPort()
        .endSpec()
        .build();
  }
}
