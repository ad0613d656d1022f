package io.countctl.operator;

import io.countctl.operator.lease.LeaderElection;
import io.countctl.operator.reconcile.DistributedCounterReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator wired together: JOSDK with the DistributedCounter reconciler. Tests start it against
 * the mock API server the same way {@link OperatorMain} does against a cluster.
 *
 * <p>With leader election on, JOSDK starts (informers and reconciliation) only once this replica holds
 * the Lease ({@link LeaderElection}); a follower waits with no cache of its own.
 *
 * <p>Writes are plain create/update with the operator's own matcher (a hash of the desired state
 * kept on each object, see {@code dependent.DesiredState}), not server-side apply: the test API
 * server refuses apply patches, so this is the path that runs in a cluster and in the tests alike.
 */
public final class CountOperator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CountOperator.class);

  private final Operator operator;
  private final Optional<LeaderElection> election;

  /**
   * @param onLostLeadership what to do when the Lease is lost while running (the process exits, in a
   *     cluster, so that two replicas never reconcile at once)
   */
  public CountOperator(KubernetesClient client, OperatorConfig config, MeterRegistry metrics, Runnable onLostLeadership) {
    this.operator = new Operator(o -> o.withKubernetesClient(client)
        .withSSABasedCreateUpdateMatchForDependentResources(false)
        .withUseSSAToPatchPrimaryResource(false)
        .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(metrics))
        .withCloseClientOnStop(false));
    operator.register(new DistributedCounterReconciler(config.images()), c -> {
      if (!config.watchesAllNamespaces()) {
        c.settingNamespaces(config.namespaces());
      }
    });
    this.election = config.leaderElection()
        ? Optional.of(new LeaderElection(client, config.leaseNamespace(), config.leaseName(), config.leaseIdentity(),
            this::startReconciling, () -> {
              stopReconciling();
              onLostLeadership.run();
            }))
        : Optional.empty();
  }

  public CountOperator(KubernetesClient client, OperatorConfig config, MeterRegistry metrics) {
    this(client, config, metrics, () -> LOG.warn("lost the lease: no longer reconciling"));
  }

  /** Starts reconciling, or (leader election on) checks the Lease rights and campaigns for it. */
  public void start() {
    if (election.isPresent()) {
      election.get().checkAccess();
      election.get().start();
    } else {
      operator.start();
    }
  }

  private void startReconciling() {
    try {
      operator.start();
    } catch (RuntimeException e) {
      LOG.error("could not start reconciling: {}", e.toString());
    }
  }

  private void stopReconciling() {
    if (operator.getRuntimeInfo().isStarted()) {
      operator.stop();
    }
  }

  /** Reconciling with every informer connected, or a follower standing by. */
  public boolean ready() {
    if (election.isPresent() && !election.get().leading()) {
      return true;
    }
    return operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  public boolean healthy() {
    return !operator.getRuntimeInfo().isStarted() || operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  public boolean leading() {
    return election.map(LeaderElection::leading).orElse(true);
  }

  /** Stops reconciling, then gives the Lease back so another replica takes over at once. */
  @Override
  public void close() {
    stopReconciling();
    election.ifPresent(LeaderElection::close);
  }
}
