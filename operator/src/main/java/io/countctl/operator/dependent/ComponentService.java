package io.countctl.operator.dependent;

import io.countctl.operator.api.DistributedCounter;
import io.countctl.operator.reconcile.Component;
import io.countctl.operator.reconcile.CounterPlan;
import io.countctl.operator.reconcile.PlatformSettings;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/** A ClusterIP Service in front of one component's pods, port {@value PlatformSettings#PORT}. */
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
   * The address the API server allocated is the server's, and cannot change: an update keeps it
   * rather than relying on the server to fill an emptied field back in.
   */
  @Override
  public void keepWhatOthersOwn(Service actual, Service desired) {
    if (actual.getSpec() != null) {
      desired.getSpec().setClusterIP(actual.getSpec().getClusterIP());
      desired.getSpec().setClusterIPs(actual.getSpec().getClusterIPs());
    }
  }

  public Service desiredFor(CounterPlan plan) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(plan.resourceName(component))
        .withNamespace(plan.namespace())
        .withLabels(plan.labels(component))
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(plan.selector(component))
        .addNewPort()
        .withName("http")
        .withPort(PlatformSettings.PORT)
        .withTargetPort(new IntOrString("http"))
        .withProtocol("TCP")
        .endPort()
        .endSpec()
        .build();
  }
}
