package io.countctl.operator.dependent;

import io.countctl.operator.api.DistributedCounter;
import io.countctl.operator.reconcile.Component;
import io.countctl.operator.reconcile.CounterPlan;
import io.countctl.operator.reconcile.PlatformSettings;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Deployment of one component: its image, the shared settings from the ConfigMap as
 * environment plus its own variables, the internal secret, probes on {@code /healthz} and
 * {@code /readyz}, resources from the spec, Prometheus scrape annotations, and a hash of the settings
 * it reads so that changing them rolls exactly the components affected.
 */
public abstract class ComponentDeployment extends PlatformDependent<Deployment> {
  public static final String SETTINGS_HASH = "counters.countctl.io/settings-hash";

  private final Component component;

  protected ComponentDeployment(Component component) {
    super(Deployment.class);
    this.component = component;
  }

  public Component component() {
    return component;
  }

  @Override
  protected String objectName(String counterName) {
    return CounterPlan.resourceName(counterName, component);
  }

  /** Variables of this component on top of the shared ones. */
  protected List<EnvVar> ownEnv(CounterPlan plan) {
    return List.of();
  }

  @Override
  protected Deployment desired(DistributedCounter primary, Context<DistributedCounter> context) {
    CounterPlan plan = plan(context);
    Map<String, String> podAnnotations = new LinkedHashMap<>();
    podAnnotations.put("prometheus.io/scrape", "true");
    podAnnotations.put("prometheus.io/port", String.valueOf(PlatformSettings.PORT));
    podAnnotations.put("prometheus.io/path", "/metrics");
    podAnnotations.put(SETTINGS_HASH, plan.settingsHash(component));
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(plan.resourceName(component))
        .withNamespace(plan.namespace())
        .withLabels(plan.labels(component))
        .endMetadata()
        .withNewSpec()
        .withReplicas(plan.replicas().get(component))
        .withNewSelector().withMatchLabels(plan.selector(component)).endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(plan.labels(component))
        .withAnnotations(podAnnotations)
        .endMetadata()
        .withNewSpec()
        .withContainers(container(plan))
        .withTerminationGracePeriodSeconds(30L)
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private Container container(CounterPlan plan) {
    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVarBuilder()
        .withName(PlatformSettings.INTERNAL_SECRET)
        .withNewValueFrom()
        .withNewSecretKeyRef(InternalSecretDependent.KEY, plan.secretName(), false)
        .endValueFrom()
        .build());
    env.addAll(ownEnv(plan));
    return new ContainerBuilder()
        .withName(component.label())
        .withImage(plan.images().get(component))
        .withImagePullPolicy(plan.pullPolicy())
        .addNewEnvFrom().withNewConfigMapRef(plan.configMapName(), false).endEnvFrom()
        .withEnv(env)
        .addNewPort().withName("http").withContainerPort(PlatformSettings.PORT).withProtocol("TCP").endPort()
        .withLivenessProbe(probe("/healthz", 10, 6))
        .withReadinessProbe(probe("/readyz", 5, 3))
        .withResources(plan.resourcesOf(component).orElseGet(ResourceRequirements::new))
        .build();
  }

  private static Probe probe(String path, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet().withPath(path).withPort(new IntOrString("http")).endHttpGet()
        .withInitialDelaySeconds(5)
        .withPeriodSeconds(periodSeconds)
        .withTimeoutSeconds(2)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  /** {@code name} from a field of the pod (downward API). */
  protected static EnvVar fromPod(String name, String fieldPath) {
    return new EnvVarBuilder().withName(name)
        .withNewValueFrom().withNewFieldRef().withFieldPath(fieldPath).endFieldRef().endValueFrom()
        .build();
  }

  protected static EnvVar literal(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }
}
