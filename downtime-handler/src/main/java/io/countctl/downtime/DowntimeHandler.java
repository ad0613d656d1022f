package io.countctl.downtime;

import io.countctl.downtime.detect.HeartbeatSource;
import io.countctl.downtime.detect.PodWatchSource;
import io.countctl.downtime.detect.WorkerDeathSource;
import io.countctl.downtime.http.DowntimeApi;
import io.countctl.downtime.notify.ResubscribeClient;
import io.countctl.downtime.notify.Resubscriber;
import io.countctl.downtime.notify.RetryPolicy;
import io.countctl.downtime.registry.WorkerRegistry;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The downtime handler: remembers which frontends each worker serves and, when a worker dies, tells
 * those frontends to resubscribe. One instance per cluster; its state is in Redis.
 */
public final class DowntimeHandler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DowntimeHandler.class);
  private static final Duration HEARTBEAT_CHECK_EVERY = Duration.ofSeconds(1);
  private static final Duration POD_RECONCILE_EVERY = Duration.ofSeconds(2);
  private static final Duration READINESS_EVERY = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final HttpServer server;
  private final WorkerRegistry registry;
  private final ResubscribeClient client;
  private final Resubscriber resubscriber;
  private final List<WorkerDeathSource> sources;
  private final Optional<KubernetesClient> ownedKubernetes;
  private final ScheduledExecutorService probe;

  private DowntimeHandler(Vertx vertx, HttpServer server, WorkerRegistry registry, ResubscribeClient client,
      Resubscriber resubscriber, List<WorkerDeathSource> sources, Optional<KubernetesClient> ownedKubernetes,
      ScheduledExecutorService probe) {
    this.vertx = vertx;
    this.server = server;
    this.registry = registry;
    this.client = client;
    this.resubscriber = resubscriber;
    this.sources = sources;
    this.ownedKubernetes = ownedKubernetes;
    this.probe = probe;
  }

  /**
   * Starts the handler. Watches worker pods when {@code config.podWatch()}, with a Kubernetes client
   * configured from the pod's service account (or kubeconfig); closing the handler closes it.
   */
  public static DowntimeHandler start(DowntimeConfig config) {
    Optional<KubernetesClient> kube = config.podWatch() ? Optional.of(new KubernetesClientBuilder().build()) : Optional.empty();
    try {
      return start(config, kube, kube);
    } catch (RuntimeException e) {
      kube.ifPresent(KubernetesClient::close);
      throw e;
    }
  }

  /**
   * Starts the handler watching worker pods through {@code kubernetes} (whatever
   * {@code config.podWatch()} says); the caller keeps ownership of the client.
   */
  public static DowntimeHandler start(DowntimeConfig config, KubernetesClient kubernetes) {
    return start(config, Optional.of(kubernetes), Optional.empty());
  }

  private static DowntimeHandler start(DowntimeConfig config, Optional<KubernetesClient> kube,
      Optional<KubernetesClient> owned) {
    Clock clock = Clock.systemUTC();
    DowntimeMetrics metrics = new DowntimeMetrics();
    WorkerRegistry registry = new WorkerRegistry(config.redisUrl(), config.cluster());
    ResubscribeClient client = new ResubscribeClient(RetryPolicy.DEFAULT, Optional.of(config.internalSecret()));
    Resubscriber resubscriber = new Resubscriber(registry, client, metrics);
    List<WorkerDeathSource> sources = new ArrayList<>();
    sources.add(new HeartbeatSource(registry, config.heartbeatTimeout(), HEARTBEAT_CHECK_EVERY, clock));
    kube.ifPresent(k -> sources.add(new PodWatchSource(k, config.namespace(), config.cluster(),
        registry::workerIds, POD_RECONCILE_EVERY, clock)));

    // /readyz must not do I/O on the event loop: a timer pings Redis and caches the verdict.
    AtomicReference<String> redisProblem = new AtomicReference<>("Redis not checked yet");
    ScheduledExecutorService probe =
        Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("readiness-probe").factory());
    Runnable check = () -> {
      try {
        registry.ping();
        metrics.knownWorkers(registry.workerIds().size());
        redisProblem.set("");
      } catch (RuntimeException e) {
        redisProblem.set("Redis unreachable: " + e.getMessage());
      }
    };
    check.run();
    probe.scheduleWithFixedDelay(check, READINESS_EVERY.toMillis(), READINESS_EVERY.toMillis(), TimeUnit.MILLISECONDS);

    Vertx vertx = Vertx.vertx();
    try {
      DowntimeApi api = new DowntimeApi(vertx, registry, metrics, config.internalSecret(), config.frontendAllowList(), clock);
      var router = api.router(() -> {
        String problem = redisProblem.get();
        for (WorkerDeathSource s : sources) {
          if (problem.isEmpty()) {
            problem = s.problem();
          }
        }
        return problem;
      });
      HttpServer server = vertx.createHttpServer().requestHandler(router)
          .listen(config.httpPort(), config.httpHost())
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      sources.forEach(s -> s.start(resubscriber::onDeath));
      LOG.info("downtime handler of cluster {} listening on {}:{} (pod watch: {}, heartbeat timeout: {} ms, frontends allowed: {})",
          config.cluster(), config.httpHost(), server.actualPort(), kube.isPresent() ? "namespace " + config.namespace() : "off",
          config.heartbeatTimeout().toMillis(), config.frontendAllowList());
      return new DowntimeHandler(vertx, server, registry, client, resubscriber, sources, owned, probe);
    } catch (Exception e) {
      probe.shutdownNow();
      sources.forEach(WorkerDeathSource::close);
      resubscriber.close();
      client.close();
      registry.close();
      vertx.close();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("downtime handler could not start on port " + config.httpPort(), e);
    }
  }

  /** The port the HTTP API listens on (useful when configured with 0). */
  public int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    sources.forEach(WorkerDeathSource::close);
    probe.shutdownNow();
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("Vert.x did not stop cleanly: {}", e.toString());
    }
    // Deaths being handled are abandoned; their entries are still in Redis for the next handler.
    resubscriber.close();
    client.close();
    registry.close();
    ownedKubernetes.ifPresent(KubernetesClient::close);
  }
}
