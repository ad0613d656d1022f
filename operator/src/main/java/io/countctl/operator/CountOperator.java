package io.countctl.operator;

import io.countctl.operator.reconcile.DistributedCounterReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The operator wired together: JOSDK with the DistributedCounter reconciler. Tests start it against
 * the mock API server the same way {@link OperatorMain} does against a cluster.
 *
 * <p>Server-side apply is off: every object it manages is written only by this operator, so plain
 * create/update with JOSDK's matcher does the same job, and it is the path the tests (whose API
 * server refuses apply patches) exercise — what runs in a cluster is what is tested.
 */
public final class CountOperator implements AutoCloseable {
  private final Operator operator;

  public CountOperator(KubernetesClient client, OperatorConfig config, MeterRegistry metrics) {
    this.operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withSSABasedCreateUpdateMatchForDependentResources(false)
          .withUseSSAToPatchPrimaryResource(false)
          .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(metrics))
          .withCloseClientOnStop(false);
      if (config.leaderElection()) {
        o.withLeaderElectionConfiguration(LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(config.leaseName())
            .withLeaseNamespace(config.leaseNamespace())
            .withIdentity(config.leaseIdentity())
            .withExitOnStopLeading(config.exitOnLostLease())
            .build());
      }
    });
    operator.register(new DistributedCounterReconciler(config.images()), c -> {
      if (!config.watchesAllNamespaces()) {
        c.settingNamespaces(config.namespaces());
      }
    });
  }

  public void start() {
    operator.start();
  }

  /** Started and every informer connected. */
  public boolean ready() {
    return operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  public boolean healthy() {
    return operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  @Override
  public void close() {
    operator.stop();
  }
}
