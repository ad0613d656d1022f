package io.countctl.operator.lease;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRule;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectorBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader-election Lease, with fabric8's {@link io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector}
 * driven here rather than through JOSDK's leader election, for three reasons found on a real API
 * server: JOSDK's start-up check asks for {@code get/create/update} while fabric8's {@link LeaseLock}
 * renews with a JSON merge {@code patch}; JOSDK never releases the Lease on stop
 * ({@code releaseOnCancel=false}); and its exit-on-lost-lease calls {@code System.exit} from inside the
 * shutdown hook, which deadlocks the JVM.
 *
 * <p>Stopping (SIGTERM) releases the Lease, so the next replica takes over at once, and is not a lost
 * leadership; a lost leadership while running calls {@code onLostLeadership}.
 */
public final class LeaderElection implements AutoCloseable {
  /** The verbs fabric8's LeaseLock uses: read the Lease, create it once, renew/take/release it by JSON merge patch. */
  public static final List<String> LEASE_VERBS = List.of("get", "create", "patch");
  static final String GROUP = "coordination.k8s.io";
  static final String RESOURCE = "leases";
  private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final String identity;
  private final Runnable onStartLeading;
  private final Runnable onLostLeadership;
  private final ExecutorService executor =
      Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("leader-election-", 0).factory());
  private volatile boolean closing;
  private volatile boolean leading;
  private volatile CompletableFuture<?> election;

  public LeaderElection(KubernetesClient client, String namespace, String name, String identity,
      Runnable onStartLeading, Runnable onLostLeadership) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.identity = identity;
    this.onStartLeading = onStartLeading;
    this.onLostLeadership = onLostLeadership;
  }

  /**
   * Fails fast, naming the missing verbs, when this account may not use the Lease as fabric8 does;
   * otherwise the operator would start and stop leading at the first renewal.
   */
  public void checkAccess() {
    SelfSubjectRulesReview review = client.resource(new SelfSubjectRulesReviewBuilder()
        .withNewSpec().withNamespace(namespace).endSpec().build()).create();
    Set<String> allowed = new TreeSet<>();
    if (review.getStatus() != null && review.getStatus().getResourceRules() != null) {
      for (ResourceRule rule : review.getStatus().getResourceRules()) {
        if (matches(rule.getApiGroups(), GROUP) && matches(rule.getResources(), RESOURCE)
            && (rule.getResourceNames() == null || rule.getResourceNames().isEmpty() || rule.getResourceNames().contains(name))) {
          allowed.addAll(rule.getVerbs());
        }
      }
    }
    if (allowed.contains("*")) {
      return;
    }
    List<String> missing = LEASE_VERBS.stream().filter(v -> !allowed.contains(v)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException("no permission to use the leader-election Lease " + namespace + "/" + name
          + ": missing verbs " + missing + " on leases.coordination.k8s.io (granted: " + allowed + ")");
    }
  }

  private static boolean matches(Collection<String> values, String wanted) {
    return values != null && (values.contains(wanted) || values.contains("*"));
  }

  public void start() {
    var config = new LeaderElectionConfigBuilder()
        .withName(name)
        .withLock(new LeaseLock(namespace, name, identity))
        .withLeaseDuration(Duration.ofSeconds(15))
        .withRenewDeadline(Duration.ofSeconds(10))
        .withRetryPeriod(Duration.ofSeconds(2))
        .withReleaseOnCancel(true)
        .withLeaderCallbacks(new LeaderCallbacks(this::started, this::stopped,
            leader -> LOG.info("leader of {}/{} is now {}", namespace, name, leader)))
        .build();
    election = new LeaderElectorBuilder(client, executor).withConfig(config).build().start();
  }

  private void started() {
    leading = true;
    LOG.info("{} leads ({}/{})", identity, namespace, name);
    // Off the elector's thread: that thread holds the elector's lock, and renewals wait for it.
    executor.execute(onStartLeading);
  }

  private void stopped() {
    boolean was = leading;
    leading = false;
    if (closing || !was) {
      return; // released on purpose
    }
    LOG.warn("{} lost the lease {}/{}", identity, namespace, name);
    // A fresh thread: the caller holds the elector's lock, which the shutdown path needs too.
    Thread.ofPlatform().name("lost-leadership").start(onLostLeadership);
  }

  public boolean leading() {
    return leading;
  }

  /** Gives the Lease back (if held) and stops campaigning. */
  @Override
  public void close() {
    closing = true;
    CompletableFuture<?> e = election;
    if (e != null) {
      e.cancel(true); // fabric8 releases the Lease on this thread before returning
    }
    executor.shutdownNow();
  }
}
