package io.countctl.operator.reconcile;

import io.countctl.api.model.ComponentStatus;
import io.countctl.api.model.DistributedCounter;
import io.countctl.api.model.DistributedCounterStatus;
import io.countctl.operator.dependent.ConfigMapDependent;
import io.countctl.operator.dependent.DowntimeHandlerDeploymentDependent;
import io.countctl.operator.dependent.DowntimeHandlerRoleBindingDependent;
import io.countctl.operator.dependent.DowntimeHandlerRoleDependent;
import io.countctl.operator.dependent.DowntimeHandlerServiceAccountDependent;
import io.countctl.operator.dependent.PlatformServiceAccountDependent;
import io.countctl.operator.events.OperatorEvents;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.countctl.operator.dependent.DowntimeHandlerServiceDependent;
import io.countctl.operator.dependent.EdgeDeploymentDependent;
import io.countctl.operator.dependent.EdgeServiceDependent;
import io.countctl.operator.dependent.InternalSecretDependent;
import io.countctl.operator.dependent.PeersConfigured;
import io.countctl.operator.dependent.RegionMergeDeploymentDependent;
import io.countctl.operator.dependent.RegionMergeServiceDependent;
import io.countctl.api.model.PeerStatus;
import io.countctl.operator.dependent.WorkerDeploymentDependent;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowReconcileResult;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a DistributedCounter into its platform. The objects are JOSDK dependent resources of a
 * managed workflow; the workflow is invoked explicitly so that an invalid spec stops before it (the
 * running platform is left alone and the problem is reported as a condition) and so that the
 * dependents get the resolved {@link CounterPlan} through the workflow context.
 */
@ControllerConfiguration(name = DistributedCounterReconciler.NAME)
@Workflow(explicitInvocation = true, handleExceptionsInReconciler = true, dependents = {
    @Dependent(name = "config", type = ConfigMapDependent.class,
        useEventSourceWithName = DistributedCounterReconciler.CONFIG_MAPS),
    @Dependent(name = "internal-secret", type = InternalSecretDependent.class,
        useEventSourceWithName = DistributedCounterReconciler.SECRETS),
    @Dependent(name = "platform-account", type = PlatformServiceAccountDependent.class,
        useEventSourceWithName = DistributedCounterReconciler.SERVICE_ACCOUNTS),
    @Dependent(name = "downtime-handler-account", type = DowntimeHandlerServiceAccountDependent.class,
        useEventSourceWithName = DistributedCounterReconciler.SERVICE_ACCOUNTS),
    @Dependent(name = "downtime-handler-role", type = DowntimeHandlerRoleDependent.class,
        useEventSourceWithName = DistributedCounterReconciler.ROLES),
    @Dependent(name = "downtime-handler-binding", type = DowntimeHandlerRoleBindingDependent.class,
        dependsOn = {"downtime-handler-account", "downtime-handler-role"},
        useEventSourceWithName = DistributedCounterReconciler.ROLE_BINDINGS),
    @Dependent(name = "downtime-handler", type = DowntimeHandlerDeploymentDependent.class,
        dependsOn = {"config", "internal-secret", "downtime-handler-binding"},
        useEventSourceWithName = DistributedCounterReconciler.DEPLOYMENTS),
    @Dependent(name = "downtime-handler-service", type = DowntimeHandlerServiceDependent.class,
        useEventSourceWithName = DistributedCounterReconciler.SERVICES),
    @Dependent(name = "worker", type = WorkerDeploymentDependent.class,
        dependsOn = {"config", "internal-secret", "platform-account"},
        useEventSourceWithName = DistributedCounterReconciler.DEPLOYMENTS),
    @Dependent(name = "edge", type = EdgeDeploymentDependent.class,
        dependsOn = {"config", "internal-secret", "platform-account"},
        useEventSourceWithName = DistributedCounterReconciler.DEPLOYMENTS),
    @Dependent(name = "edge-service", type = EdgeServiceDependent.class,
        useEventSourceWithName = DistributedCounterReconciler.SERVICES),
    @Dependent(name = "region-merge", type = RegionMergeDeploymentDependent.class,
        dependsOn = {"config", "internal-secret", "platform-account"},
        reconcilePrecondition = PeersConfigured.class,
        useEventSourceWithName = DistributedCounterReconciler.DEPLOYMENTS),
    @Dependent(name = "region-merge-service", type = RegionMergeServiceDependent.class,
        reconcilePrecondition = PeersConfigured.class,
        useEventSourceWithName = DistributedCounterReconciler.SERVICES),
})
public class DistributedCounterReconciler implements Reconciler<DistributedCounter>, Cleaner<DistributedCounter> {
  public static final String NAME = "distributedcounter";
  static final String DEPLOYMENTS = "deployments";
  static final String SERVICES = "services";
  static final String CONFIG_MAPS = "configmaps";
  static final String SECRETS = "secrets";
  static final String SERVICE_ACCOUNTS = "serviceaccounts";
  static final String ROLES = "roles";
  static final String ROLE_BINDINGS = "rolebindings";
  /** Only the objects this operator made are cached. */
  public static final String MANAGED_SELECTOR = "app.kubernetes.io/managed-by=" + CounterPlan.OPERATOR_NAME;
  /** While replicas are still coming up, look again even if no event arrives. */
  private static final Duration RECHECK = Duration.ofSeconds(30);
  private static final Duration CONFLICT_RETRY = Duration.ofSeconds(1);
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private static final Logger LOG = LoggerFactory.getLogger(DistributedCounterReconciler.class);

  private final ImageDefaults images;

  public DistributedCounterReconciler(ImageDefaults images) {
    this.images = images;
  }

  @Override
  public List<EventSource<?, DistributedCounter>> prepareEventSources(EventSourceContext<DistributedCounter> context) {
    // One informer per kind, shared by the dependents of that kind, caching only what this operator made.
    return List.of(
        managed(Deployment.class, DEPLOYMENTS, context),
        managed(Service.class, SERVICES, context),
        managed(ConfigMap.class, CONFIG_MAPS, context),
        managed(Secret.class, SECRETS, context),
        managed(ServiceAccount.class, SERVICE_ACCOUNTS, context),
        managed(Role.class, ROLES, context),
        managed(RoleBinding.class, ROLE_BINDINGS, context));
  }

  private static <R extends HasMetadata> InformerEventSource<R, DistributedCounter> managed(Class<R> type, String name,
      EventSourceContext<DistributedCounter> context) {
    return new InformerEventSource<>(InformerEventSourceConfiguration.from(type, DistributedCounter.class)
        .withName(name)
        .withLabelSelector(MANAGED_SELECTOR)
        .withNamespacesInheritedFromController()
        .build(), context);
  }

  @Override
  public UpdateControl<DistributedCounter> reconcile(DistributedCounter dc, Context<DistributedCounter> context) {
    long generation = dc.getMetadata().getGeneration() == null ? 0 : dc.getMetadata().getGeneration();
    DistributedCounterStatus previous = dc.getStatus() == null ? new DistributedCounterStatus() : dc.getStatus();
    DistributedCounterStatus status = new DistributedCounterStatus();
    status.setObservedGeneration(generation);
    Conditions conditions = new Conditions(previous.getConditions(), generation);

    List<String> problems = SpecValidator.problems(dc);
    if (!problems.isEmpty()) {
      String message = String.join("; ", problems);
      LOG.warn("{}/{} has an invalid spec: {}", dc.getMetadata().getNamespace(), dc.getMetadata().getName(), message);
      status.setConditions(conditions
          .set(DistributedCounterStatus.READY, false, "InvalidSpec", message)
          .set(DistributedCounterStatus.PROGRESSING, false, "InvalidSpec", "waiting for the spec to be fixed")
          .set(DistributedCounterStatus.DEGRADED, true, "InvalidSpec", message)
          .build());
      // Keep what was reported about the running platform: it is left untouched.
      status.setEdges(previous.getEdges());
      status.setWorkers(previous.getWorkers());
      status.setRegionMerge(previous.getRegionMerge());
      status.setDowntimeHandler(previous.getDowntimeHandler());
      status.setEdgeService(previous.getEdgeService());
      status.setRegionMergeService(previous.getRegionMergeService());
      status.setPeers(previous.getPeers());
      return finish(dc, previous, status, context, null);
    }

    CounterPlan plan = CounterPlan.of(dc, images);
    var workflow = context.managedWorkflowAndDependentResourceContext();
    workflow.put(CounterPlan.CONTEXT_KEY, plan);
    WorkflowReconcileResult result = workflow.reconcileManagedWorkflow();

    Map<String, Deployment> deployments = context.getSecondaryResourcesAsStream(Deployment.class)
        .collect(Collectors.toMap(d -> d.getMetadata().getName(), Function.identity(), (a, b) -> a));
    status.setEdges(componentStatus(plan, Component.EDGE, deployments));
    status.setWorkers(componentStatus(plan, Component.WORKER, deployments));
    status.setDowntimeHandler(componentStatus(plan, Component.DOWNTIME_HANDLER, deployments));
    status.setRegionMerge(plan.mergesRegions() ? componentStatus(plan, Component.REGION_MERGE, deployments) : null);
    status.setEdgeService(plan.edgeServiceUrl());
    // Only what the operator knows; the live per-peer state is the role's (GET /v1/peers, metrics).
    status.setRegionMergeService(plan.mergesRegions() ? plan.regionMergeServiceUrl() : null);
    status.setPeers(plan.mergesRegions()
        ? dc.getSpec().getPeers().stream().map(p -> new PeerStatus(p.getRegion(), p.getUrl())).toList() : null);

    List<ComponentStatus> running = java.util.stream.Stream.of(
        status.getEdges(), status.getWorkers(), status.getDowntimeHandler(), status.getRegionMerge())
        .filter(java.util.Objects::nonNull).toList();
    boolean allReady = running.stream().allMatch(c -> c.getReady() >= c.getReplicas());
    String waitingFor = notReady(status);

    String refused = replicaFailures(plan, deployments);
    // A 409 means the object changed between the cache read and the write (the deployment
    // controller writing its status, a user): not a failure, just try again soon.
    boolean onlyConflicts = result.erroredDependentsExist()
        && result.getErroredDependents().values().stream().allMatch(DistributedCounterReconciler::isConflict);
    if (onlyConflicts) {
      LOG.info("{}/{}: {} changed while being written; retrying", plan.namespace(), plan.name(),
          result.getErroredDependents().keySet().stream().map(d -> d.name()).collect(Collectors.joining(", ")));
      conditions
          .set(DistributedCounterStatus.READY, allReady, allReady ? "AllReplicasReady" : "ReplicasNotReady",
              allReady ? "every component is ready" : "waiting for " + waitingFor)
          .set(DistributedCounterStatus.PROGRESSING, true, "Retrying",
              "an object changed while it was being written (409 Conflict); retrying")
          .set(DistributedCounterStatus.DEGRADED, !refused.isEmpty(), refused.isEmpty() ? "AsExpected" : "PodsRefused",
              refused.isEmpty() ? "no problem found" : refused);
    } else if (result.erroredDependentsExist()) {
      String message = result.getErroredDependents().entrySet().stream()
          .map(e -> e.getKey().name() + ": " + rootMessage(e.getValue()))
          .collect(Collectors.joining("; "));
      LOG.warn("{}/{} could not be reconciled: {}", plan.namespace(), plan.name(), message);
      conditions
          .set(DistributedCounterStatus.READY, false, "ReconcileFailed", message)
          .set(DistributedCounterStatus.PROGRESSING, true, "Retrying", "retrying the objects that failed")
          .set(DistributedCounterStatus.DEGRADED, true, "ReconcileFailed", message);
    } else if (!refused.isEmpty()) {
      // A ReplicaSet could not create pods (e.g. refused by Pod Security admission): say so, rather
      // than only that replicas are not ready.
      conditions
          .set(DistributedCounterStatus.READY, false, "PodsRefused", refused)
          .set(DistributedCounterStatus.PROGRESSING, true, "PodsRefused", "waiting for " + waitingFor)
          .set(DistributedCounterStatus.DEGRADED, true, "PodsRefused", refused);
    } else if (allReady) {
      conditions
          .set(DistributedCounterStatus.READY, true, "AllReplicasReady", "every component is ready")
          .set(DistributedCounterStatus.PROGRESSING, false, "Stable", "nothing to roll out")
          .set(DistributedCounterStatus.DEGRADED, false, "AsExpected", "no problem found");
    } else {
      conditions
          .set(DistributedCounterStatus.READY, false, "ReplicasNotReady", "waiting for " + waitingFor)
          .set(DistributedCounterStatus.PROGRESSING, true, "RollingOut", "waiting for " + waitingFor)
          .set(DistributedCounterStatus.DEGRADED, false, "AsExpected", "no problem found");
    }
    status.setConditions(conditions.build());
    Duration recheck = onlyConflicts ? CONFLICT_RETRY
        : allReady && !result.erroredDependentsExist() ? null : RECHECK;
    return finish(dc, previous, status, context, recheck);
  }

  private static boolean isConflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof io.fabric8.kubernetes.client.KubernetesClientException k && k.getCode() == 409) {
        return true;
      }
    }
    return false;
  }

  /**
   * Patches the status only when it changed (an idle platform is not written to), and reports a
   * newly degraded state as a Warning event.
   */
  private static UpdateControl<DistributedCounter> finish(DistributedCounter dc, DistributedCounterStatus previous,
      DistributedCounterStatus status, Context<DistributedCounter> context, Duration recheck) {
    var degraded = status.condition(DistributedCounterStatus.DEGRADED);
    if (degraded.isPresent() && "True".equals(degraded.get().getStatus())) {
      var before = previous.condition(DistributedCounterStatus.DEGRADED);
      if (before.isEmpty() || !"True".equals(before.get().getStatus())
          || !java.util.Objects.equals(before.get().getMessage(), degraded.get().getMessage())) {
        OperatorEvents.warning(context.getClient(), dc, "Failed", degraded.get().getReason() + ": " + degraded.get().getMessage());
      }
    }
    UpdateControl<DistributedCounter> control = same(previous, status)
        ? UpdateControl.noUpdate()
        : UpdateControl.patchStatus(withStatus(dc, status));
    return recheck == null ? control : control.rescheduleAfter(recheck);
  }

  private static boolean same(DistributedCounterStatus a, DistributedCounterStatus b) {
    return JSON.convertValue(a, Map.class).equals(JSON.convertValue(b, Map.class));
  }

  /** The Deployments' {@code ReplicaFailure} conditions (set by the deployment controller), as one message. */
  private static String replicaFailures(CounterPlan plan, Map<String, Deployment> deployments) {
    return java.util.Arrays.stream(Component.values())
        .map(c -> deployments.get(plan.resourceName(c)))
        .filter(java.util.Objects::nonNull)
        .filter(d -> d.getStatus() != null && d.getStatus().getConditions() != null)
        .flatMap(d -> d.getStatus().getConditions().stream()
            .filter(c -> "ReplicaFailure".equals(c.getType()) && "True".equals(c.getStatus()))
            .map(c -> d.getMetadata().getName() + ": " + c.getReason() + ": " + c.getMessage()))
        .collect(Collectors.joining("; "));
  }

  @Override
  public ErrorStatusUpdateControl<DistributedCounter> updateErrorStatus(DistributedCounter dc,
      Context<DistributedCounter> context, Exception e) {
    DistributedCounterStatus status = dc.getStatus() == null ? new DistributedCounterStatus() : dc.getStatus();
    long generation = dc.getMetadata().getGeneration() == null ? 0 : dc.getMetadata().getGeneration();
    status.setConditions(new Conditions(status.getConditions(), generation)
        .set(DistributedCounterStatus.READY, false, "ReconcileError", rootMessage(e))
        .set(DistributedCounterStatus.PROGRESSING, true, "Retrying", "the operator retries with back-off")
        .set(DistributedCounterStatus.DEGRADED, true, "ReconcileError", rootMessage(e))
        .build());
    OperatorEvents.warning(context.getClient(), dc, "Failed", "ReconcileError: " + rootMessage(e));
    return ErrorStatusUpdateControl.patchStatus(withStatus(dc, status));
  }

  @Override
  public DeleteControl cleanup(DistributedCounter dc, Context<DistributedCounter> context) {
    var result = context.managedWorkflowAndDependentResourceContext().cleanupManageWorkflow();
    if (result.erroredDependentsExist()) {
      // Keep the finalizer: the objects left behind are retried rather than orphaned.
      LOG.warn("could not delete everything of {}/{}: {}", dc.getMetadata().getNamespace(),
          dc.getMetadata().getName(), result.getErroredDependents().keySet());
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(10));
    }
    return DeleteControl.defaultDelete();
  }

  private static ComponentStatus componentStatus(CounterPlan plan, Component c, Map<String, Deployment> deployments) {
    Deployment d = deployments.get(plan.resourceName(c));
    Integer ready = d == null || d.getStatus() == null ? null : d.getStatus().getReadyReplicas();
    return new ComponentStatus(plan.replicas().get(c), ready == null ? 0 : ready);
  }

  private static String notReady(DistributedCounterStatus s) {
    StringBuilder text = new StringBuilder();
    append(text, "edges", s.getEdges());
    append(text, "workers", s.getWorkers());
    append(text, "downtime handler", s.getDowntimeHandler());
    append(text, "region merge", s.getRegionMerge());
    return text.isEmpty() ? "nothing" : text.toString();
  }

  private static void append(StringBuilder text, String what, ComponentStatus c) {
    if (c != null && c.getReady() < c.getReplicas()) {
      text.append(text.isEmpty() ? "" : ", ").append(what).append(' ').append(c.summary()).append(" ready");
    }
  }

  private static DistributedCounter withStatus(DistributedCounter dc, DistributedCounterStatus status) {
    dc.setStatus(status);
    return dc;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
