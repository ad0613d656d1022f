package io.countctl.cli.dev;

import io.countctl.api.config.AckMode;
import io.countctl.api.config.Setting;
import io.countctl.core.config.Settings;
import io.countctl.downtime.DowntimeConfig;
import io.countctl.downtime.DowntimeHandler;
import io.countctl.edge.EdgeConfig;
import io.countctl.edge.EdgeNode;
import io.countctl.worker.Worker;
import io.countctl.worker.WorkerConfig;
import io.countctl.worker.merge.RegionMergeConfig;
import io.countctl.worker.merge.RegionMerger;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Everything {@code countctl dev} runs, started in dependency order and stopped in reverse:
 * Kafka, and beside it (on a thread of their own) Redis and then the downtime handler, which needs
 * only Redis; then (unless infra-only) the region-merge role when there are peers, the workers and
 * the edge.
 */
final class DevPlatform implements AutoCloseable {
  /** What to start. */
  record Options(Path dataDir, int port, AckMode ackMode, long flushMs, int workers, int partitions, String cluster,
      boolean infraOnly, String region, int mergePort, String peers, String host, String cors) {
    Options(Path dataDir, int port, AckMode ackMode, long flushMs, int workers, int partitions, String cluster,
        boolean infraOnly) {
      this(dataDir, port, ackMode, flushMs, workers, partitions, cluster, infraOnly, "local", 0, "", LOOPBACK);
    }

    Options(Path dataDir, int port, AckMode ackMode, long flushMs, int workers, int partitions, String cluster,
        boolean infraOnly, String region, int mergePort, String peers, String host) {
      this(dataDir, port, ackMode, flushMs, workers, partitions, cluster, infraOnly, region, mergePort, peers, host,
          ANY_ORIGIN);
    }

    /** Where the components reach each other: the bind host, or loopback when that is every interface. */
    String localHost() {
      return isWildcard(host) ? LOOPBACK : host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
  }

  /** What {@code countctl dev} binds unless told {@code --host}: nothing is reachable from the network. */
  static final String LOOPBACK = "127.0.0.1";
  /** {@code --cors}'s default: on one's own machine, pages of any origin (a dev server on another port) may call the edge. */
  static final String ANY_ORIGIN = "*";

  static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
  }

  private final Options options;
  private final PrintStream log;
  // Set by the start thread and the thread beside it, read by the shutdown hook's close().
  private volatile EmbeddedRedis redis;
  private volatile EmbeddedKafka kafka;
  private volatile DowntimeHandler downtime;
  private final List<Worker> workers = new ArrayList<>();
  private EdgeNode edge;
  private RegionMerger merger;

  DevPlatform(Options options, PrintStream log) {
    this.options = options;
    this.log = log;
  }

  DevPlatform start() {
    DevPorts ports = DevPorts.loadOrCreate(mkdirs(options.dataDir()));
    Map<String, String> common = new HashMap<>(Map.of(
        Settings.CLUSTER, options.cluster(),
        Settings.KAFKA_BOOTSTRAP, EmbeddedKafka.bootstrap(ports),
        Settings.REDIS_URL, EmbeddedRedis.url(ports.redis()).toString(),
        Settings.REGION, options.region(),
        Settings.HTTP_HOST, options.host(),
        Setting.PARTITIONS.key(), Integer.toString(options.partitions())));
    // The shared secret of internal calls (workers → downtime handler and edge, downtime handler →
    // edge): one per run, never stored; the edge and the downtime handler refuse calls without it.
    String secret = newSecret();
    // Kafka takes most of a start (seconds of class loading; after a kill -9 also the old broker's
    // session, see EmbeddedKafka). Redis and the downtime handler, which uses Redis only, start
    // beside it instead of after it.
    log.printf("starting Kafka (KRaft), Redis%s …%n", options.infraOnly() ? "" : " and the downtime handler");
    CompletableFuture<Void> beside = CompletableFuture.runAsync(() -> {
      timed("Redis", () -> redis = EmbeddedRedis.start(options.dataDir().resolve("redis"), ports.redis(),
          options.ackMode() == AckMode.DURABLE));
      if (!options.infraOnly()) {
        timed("downtime handler", () -> downtime = DowntimeHandler.start(DowntimeConfig.from(settings(common, Map.of(
            Settings.HTTP_PORT, "0", Setting.POD_WATCH.key(), "false", DowntimeConfig.INTERNAL_SECRET, secret)))));
      }
    }, r -> Thread.ofPlatform().name("dev-start-redis").start(r));
    RuntimeException failed = null;
    try {
      timed("Kafka (KRaft)", () -> kafka = EmbeddedKafka.start(options.dataDir().resolve("kafka"), ports));
    } catch (RuntimeException e) {
      failed = e;
    }
    try {
      beside.join(); // also when Kafka failed: close() then sees all that started
    } catch (CompletionException e) {
      if (failed == null) {
        failed = e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
    if (failed != null) {
      throw failed;
    }
    if (options.infraOnly()) {
      return this;
    }
    if (!options.peers().isBlank()) {
      // Before the workers: the change log is switched on first, so no commit goes unlogged.
      Map<String, String> own = new HashMap<>(Map.of(
          Setting.MERGE_PORT.key(), Integer.toString(options.mergePort()), Settings.PEERS, options.peers()));
      String peerSecret = System.getenv(Setting.PEER_SECRET.key()); // else loopback peers only
      if (peerSecret != null) {
        own.put(Setting.PEER_SECRET.key(), peerSecret);
      }
      step("region-merge", () -> merger = RegionMerger.start(RegionMergeConfig.from(settings(common, own))));
    }
    common.put(Settings.DOWNTIME_URL, "http://" + options.localHost() + ":" + downtime.port());
    for (int i = 0; i < options.workers(); i++) {
      String id = "dev-worker-" + i;
      step("worker " + i, () -> workers.add(Worker.start(WorkerConfig.from(settings(common, Map.of(
          Settings.HTTP_PORT, "0", Setting.WORKER_ID.key(), id, DowntimeConfig.INTERNAL_SECRET, secret))))));
    }
    // Workers and the downtime handler reach the edge's internal port, on the address it is bound to.
    int internalPort = io.countctl.core.config.FreePort.pick();
    step("edge node", () -> edge = EdgeNode.start(EdgeConfig.from(settings(common, Map.of(
        Setting.CORS_ORIGINS.key(), options.cors(),
        Settings.HTTP_PORT, Integer.toString(options.port()),
        Settings.ACK_MODE, options.ackMode().name().toLowerCase(),
        Settings.FLUSH_MS, Long.toString(options.flushMs()),
        Setting.EDGE_ID.key(), "dev-edge",
        Setting.INTERNAL_PORT.key(), Integer.toString(internalPort),
        DowntimeConfig.INTERNAL_SECRET, secret,
        Setting.ADVERTISED_URL.key(), "http://" + options.localHost() + ":" + internalPort)))));
    return this;
  }

  private static String newSecret() {
    byte[] b = new byte[24];
    new java.security.SecureRandom().nextBytes(b);
    return java.util.HexFormat.of().formatHex(b);
  }

  private static Settings settings(Map<String, String> common, Map<String, String> own) {
    Map<String, String> m = new HashMap<>(common);
    m.putAll(own);
    return Settings.of(m);
  }


  private void step(String what, Runnable start) {
    long t0 = System.nanoTime();
    log.printf("starting %s … ", what);
    log.flush();
    start.run();
    log.printf("ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  /** One line when {@code start} is done: steps that run side by side must not split each other's lines. */
  private void timed(String what, Runnable start) {
    long t0 = System.nanoTime();
    start.run();
    log.printf("  %s ready in %.1f s%n", what, (System.nanoTime() - t0) / 1e9);
  }

  private static Path mkdirs(Path dir) {
    try {
      java.nio.file.Files.createDirectories(dir);
      return dir;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot create data directory " + dir, e);
    }
  }

  String kafkaBootstrap() {
    return kafka.bootstrap();
  }

  String redisUrl() {
    return redis.url().toString();
  }

  EdgeNode edge() {
    return edge;
  }

  List<Worker> workers() {
    return workers;
  }

  DowntimeHandler downtime() {
    return downtime;
  }

  /** The region-merge role, or null without peers. */
  RegionMerger merger() {
    return merger;
  }

  /** Stops what runs, newest first: the edge flushes what it accepted before Kafka goes. */
  @Override
  public void close() {
    stop("edge node", edge);
    for (int i = workers.size() - 1; i >= 0; i--) {
      stop("worker " + i, workers.get(i));
    }
    stop("downtime handler", downtime);
    stop("region-merge", merger);
    stop("Kafka", kafka);
    stop("Redis", redis);
  }

  private void stop(String what, AutoCloseable c) {
    if (c == null) {
      return;
    }
    log.printf("stopping %s%n", what);
    try {
      c.close();
    } catch (Exception e) {
      log.printf("  %s did not stop cleanly: %s%n", what, e);
    }
  }
}
