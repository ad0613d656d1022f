package io.countctl.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar operator/target/operator.jar}: the operator against the current kubeconfig or service account. */
public final class OperatorMain {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorMain.class);

  private OperatorMain() {
  }

  public static void main(String[] args) throws Exception {
    OperatorConfig config;
    try {
      config = OperatorConfig.from(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("count-operator: " + e.getMessage());
      System.exit(2);
      return;
    }
    PrometheusMeterRegistry metrics = OperatorMetrics.create();
    KubernetesClient client = new KubernetesClientBuilder().build();
    // A lost Lease ends the process (the pod restarts as a follower) so two replicas never reconcile
    // at once. LeaderElection calls this on a thread of its own, never from the shutdown hook.
    Runnable onLostLeadership = config.exitOnLostLease()
        ? () -> {
          LOG.error("count-operator lost its leader Lease: exiting");
          System.exit(1);
        }
        : () -> LOG.warn("count-operator lost its leader Lease: no longer reconciling");
    CountOperator operator = new CountOperator(client, config, metrics, onLostLeadership);
    OpsServer ops = new OpsServer(config.httpPort(), operator::healthy, operator::ready, metrics);
    CountDownLatch stopped = new CountDownLatch(1);
    // SIGTERM: stop reconciling, release the Lease (the next replica leads at once), close the
    // clients. Nothing here calls System.exit, which would deadlock inside a shutdown hook.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("count-operator stopping");
      operator.close();
      ops.close();
      client.close();
      stopped.countDown();
      LOG.info("count-operator stopped");
    }, "shutdown"));
    try {
      operator.start();
    } catch (RuntimeException e) {
      // Typically: API server unreachable, CRD not installed, or RBAC missing. Exit so Kubernetes
      // restarts the pod (with back-off) instead of leaving a live process that reconciles nothing.
      LOG.error("count-operator could not start against {}: {}. Is the API server reachable, the CRD"
          + " distributedcounters.counters.countctl.io installed and the ClusterRole bound?",
          client.getMasterUrl(), rootMessage(e));
      System.exit(1);
    }
    LOG.info("count-operator watching {} (leader election {}), health on :{}",
        config.watchesAllNamespaces() ? "all namespaces" : config.namespaces(),
        config.leaderElection() ? "on" : "off", ops.port());
    stopped.await();
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }
}
