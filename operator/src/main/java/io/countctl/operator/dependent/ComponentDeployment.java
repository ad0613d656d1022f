package io.countctl.operator.dependent;

import io.countctl.api.config.Setting;
import io.countctl.api.model.DistributedCounter;
import io.countctl.operator.reconcile.Component;
import io.countctl.operator.reconcile.CounterPlan;
import io.countctl.operator.reconcile.PlatformSettings;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
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
 *
 * <p>Pods meet the {@code restricted} Pod Security Standard (non-root user 10001 as in the images,
 * no privilege escalation, every capability dropped, the runtime's default seccomp profile) and run
 * as the component's own ServiceAccount: only the downtime handler's carries an API token (it watches
 * worker pods); the others mount none.
 */
public abstract class ComponentDeployment extends PlatformDependent<Deployment> {
  public static final String SETTINGS_HASH = "counters.countctl.io/settings-hash";
  /** The user the component images are built with ({@code USER 10001}). */
  static final long RUN_AS = 10001L;

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

  /** Container ports besides {@code http} (the edge's internal port). */
  protected List<ContainerPort> ownPorts() {
    return List.of();
  }

  @Override
  protected Deployment build(DistributedCounter primary, Context<DistributedCounter> context) {
    return desiredFor(plan(context));
  }

  /** The Deployment for a plan (without the operator's hash annotation and owner reference). */
  public Deployment desiredFor(CounterPlan plan) {
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
        .withServiceAccountName(serviceAccount(plan))
        .withAutomountServiceAccountToken(component == Component.DOWNTIME_HANDLER ? null : false)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(RUN_AS)
        .withRunAsGroup(RUN_AS)
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .endSecurityContext()
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
        .withName(Setting.INTERNAL_SECRET.key())
        .withNewValueFrom()
        .withNewSecretKeyRef(InternalSecretDependent.KEY, plan.secretName(), false)
        .endValueFrom()
        .build());
    env.addAll(ownEnv(plan));
    ResourceRequirements resources = plan.resourcesOf(component).orElseGet(ResourceRequirements::new);
    env.add(new EnvVarBuilder().withName("JAVA_TOOL_OPTIONS").withValue(jvmOptions(component)).build());
    return new ContainerBuilder()
        .withName(component.label())
        .withImage(plan.images().get(component))
        .withImagePullPolicy(plan.pullPolicy())
        .addNewEnvFrom().withNewConfigMapRef(plan.configMapName(), false).endEnvFrom()
        .withEnv(env)
        .addNewPort().withName("http").withContainerPort(PlatformSettings.PORT).withProtocol("TCP").endPort()
        .addAllToPorts(ownPorts())
        .withLivenessProbe(probe("/healthz", 10, 6))
        .withReadinessProbe(probe("/readyz", 5, 3))
        .withResources(resources)
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .endSecurityContext()
        .build();
  }

  /**
   * The JVM's collector and heap, in step with the container's memory limit (bench/RESULTS.md,
   * "Memory"). The heap is a share of the limit (the JVM reads the cgroup's), leaving the rest to
   * metaspace, threads, Netty's direct buffers and the Kafka client: 70 % for the edge and the
   * workers (G1: short pauses, returns memory it no longer needs), 60 % for the small downtime
   * handler (Serial: a heap of tens of MB needs no concurrent collector). Without a limit the
   * share is of the node's memory, so a limit is what makes it a plan; the JVM's own 25 % default
   * would leave three quarters of a limit unused, and ZGC would grow to all of it.
   */
  static String jvmOptions(Component component) {
    boolean small = component == Component.DOWNTIME_HANDLER;
    return (small ? "-XX:+UseSerialGC -XX:MaxRAMPercentage=60" : "-XX:+UseG1GC -XX:MaxRAMPercentage=70")
        + " -XX:+ExitOnOutOfMemoryError";
  }

  /** The account the pods run as: the downtime handler's own, or the platform's token-less one. */
  private String serviceAccount(CounterPlan plan) {
    return component == Component.DOWNTIME_HANDLER ? plan.resourceName(component) : plan.serviceAccountName();
  }

  /**
   * Pod-template annotations the operator does not set are someone else's ({@code kubectl rollout
   * restart} writes {@code kubectl.kubernetes.io/restartedAt}): an update keeps them, or it would undo
   * the restart.
   */
  @Override
  public void keepWhatOthersOwn(Deployment actual, Deployment desired) {
    var live = actual.getSpec() == null || actual.getSpec().getTemplate() == null
        || actual.getSpec().getTemplate().getMetadata() == null
        ? null : actual.getSpec().getTemplate().getMetadata().getAnnotations();
    if (live == null) {
      return;
    }
    Map<String, String> merged = new LinkedHashMap<>(live);
    merged.putAll(desired.getSpec().getTemplate().getMetadata().getAnnotations());
    desired.getSpec().getTemplate().getMetadata().setAnnotations(merged);
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
