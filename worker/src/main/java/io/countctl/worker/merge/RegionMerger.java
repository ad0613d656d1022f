package io.countctl.worker.merge;

import io.countctl.core.config.FreePort;
import io.countctl.core.config.Topics;
import io.countctl.core.kafka.TopicProvisioner;
import io.countctl.core.key.CounterKey;
import io.countctl.core.ops.MetricsRegistry;
import io.countctl.core.ops.OpsRoutes;
import io.countctl.core.store.CounterStore;
import io.countctl.core.store.RegionStore;
import io.countctl.worker.reduce.TotalsPublisher;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The region-merge role (seed 000 §6, seed 001): exchanges per-region {@code (P, N)} state with peer
 * regions. One HTTP server takes peers' shipments ({@link MergeEndpoint}) and serves health,
 * readiness, metrics and {@code GET /v1/peers}; one {@link PeerShipper} per peer sends this region's
 * changes; a maintenance thread trims the change log and checks Redis. State, not the stream: what
 * travels is each region's current entry, merged by max, so nothing is lost or counted twice
 * however shipments are repeated or cut off. Run one replica per region.
 *
 * <p>With this region's Kafka configured, every merged change is also published on
 * {@code <cluster>.totals} (the counter's global state and new version, through the worker's
 * {@link TotalsPublisher}), so live streams show other regions' writes as they arrive.
 */
public final class RegionMerger implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RegionMerger.class);

  private final RegionMergeConfig config;
  private final CounterStore counters;
  private final Vertx vertx;
  private final ExecutorService blocking;
  private final List<PeerShipper> shippers;
  private final Thread maintenance;
  private final int port;
  private final Producer<byte[], byte[]> producer; // null without Kafka
  private final TotalsPublisher totals; // null without Kafka
  private volatile String problem = "";
  private volatile boolean running = true;

  private RegionMerger(RegionMergeConfig config, CounterStore counters, Vertx vertx, ExecutorService blocking,
      List<PeerShipper> shippers, int port, Producer<byte[], byte[]> producer, TotalsPublisher totals) {
    this.config = config;
    this.producer = producer;
    this.totals = totals;
    this.counters = counters;
    this.vertx = vertx;
    this.blocking = blocking;
    this.shippers = shippers;
    this.port = port;
    this.maintenance = Thread.ofVirtual().name("merge-maintenance").unstarted(this::maintain);
  }

  public static RegionMerger start(RegionMergeConfig config) {
    PrometheusMeterRegistry metrics = MetricsRegistry.create("region-merge", config.cluster(), config.region());
    CounterStore counters = new CounterStore(config.redisUrl(), config.cluster(), 8);
    RegionStore store = new RegionStore(counters);
    io.countctl.core.store.SketchStore sketches = new io.countctl.core.store.SketchStore(counters);
    try {
      store.enableChangeLog(); // from here on every change is logged; what came before, a first scan sends
    } catch (RuntimeException e) {
      counters.close();
      throw new IllegalStateException("region-merge cannot reach Redis at " + config.redisUrl() + ": " + e.getMessage(), e);
    }
    ExecutorService blocking = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("merge-redis-", 0).factory());
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2)).executor(blocking).build();
    List<PeerShipper> shippers = new ArrayList<>();
    for (Peer p : config.peers()) {
      shippers.add(new PeerShipper(p, config, store, sketches, http, metrics));
    }
    Topics topics = new Topics(config.cluster());
    // Created here too (if missing) so that a first publish cannot leave them to the broker's auto-creation.
    config.kafkaBootstrap().ifPresent(b -> TopicProvisioner.ensureTopics(b, topics, config.partitions(), config.replication()));
    Producer<byte[], byte[]> producer = config.kafkaBootstrap().map(b -> new KafkaProducer<>(Map.<String, Object>of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b,
        ProducerConfig.CLIENT_ID_CONFIG, "region-merge-" + config.region(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 2,
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
        new ByteArraySerializer(), new ByteArraySerializer())).orElse(null);
    TotalsPublisher totals = producer == null ? null
        : new TotalsPublisher(producer, topics.totals(), metrics);
    Vertx vertx = Vertx.vertx();
    int port = config.port() == 0 ? FreePort.pick() : config.port();
    RegionMerger merger = new RegionMerger(config, counters, vertx, blocking, shippers, port, producer, totals);
    Router router = Router.router(vertx);
    OpsRoutes.mount(router, metrics, () -> merger.problem);
    new MergeEndpoint(config.region(), config.secret(), store, sketches, config.sketches(), blocking, config.maxBodyBytes(), metrics,
        merger::publishMerged).mount(router);
    router.get("/v1/peers").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .end(merger.peersJson().encode()));
    try {
      vertx.createHttpServer(new HttpServerOptions().setDecompressionSupported(true).setCompressionSupported(true))
          .requestHandler(router).listen(port, config.httpHost()).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      blocking.shutdownNow();
      counters.close();
      if (producer != null) {
        producer.close();
      }
      throw new IllegalStateException("region-merge could not listen on port " + port + ": " + e.getMessage(), e);
    }
    if (config.secret().isEmpty()) {
      log.warn("no COUNT_PEER_SECRET: the merge endpoint accepts loopback peers only");
    }
    if (producer == null) {
      log.warn("no COUNT_KAFKA_BOOTSTRAP: merged changes reach live streams only with a counter's next local change");
    }
    shippers.forEach(PeerShipper::start);
    merger.maintenance.start();
    log.info("region-merge for region {} listening on :{} (cluster {}, peers {})", config.region(), port,
        config.cluster(), config.peers().stream().map(p -> p.region() + "=" + p.url()).toList());
    return merger;
  }

  public int port() {
    return port;
  }

  public RegionMergeConfig config() {
    return config;
  }

  /** Each peer: last acknowledgement, lag, backlog and the last error, if any. */
  public JsonObject peersJson() {
    JsonArray arr = new JsonArray();
    for (PeerShipper s : shippers) {
      long ack = s.lastAckMillis();
      arr.add(new JsonObject()
          .put("region", s.peer().region())
          .put("url", s.peer().url().toString())
          .put("last_ack", ack == 0 ? null : Instant.ofEpochMilli(ack).toString())
          .put("lag_seconds", s.lagMillis() / 1000.0)
          .put("backlog", s.backlog())
          .put("error", s.lastError().isEmpty() ? null : s.lastError()));
    }
    return new JsonObject().put("region", config.region()).put("peers", arr);
  }

  /** Live updates: the global state of each counter a shipment changed, on {@code <cluster>.totals}. */
  private void publishMerged(List<CounterKey> changed) {
    if (totals == null) {
      return;
    }
    try {
      totals.publish(counters.currentTotals(changed));
    } catch (RuntimeException e) {
      // The merge itself is stored; the streams get the value with the counter's next change.
      log.warn("reading {} merged counters for live updates failed: {}", changed.size(), e.toString());
    }
  }

  private void maintain() {
    RegionStore store = new RegionStore(counters);
    List<String> peers = config.peers().stream().map(Peer::region).toList();
    while (running) {
      try {
        counters.ping();
        if (totals != null) {
          totals.retryFailed();
        }
        long dropped = store.trim(peers, config.logMax());
        if (dropped > 0) {
          log.debug("change log: {} entries trimmed", dropped);
        }
        problem = totals == null ? "" : totals.problem();
      } catch (RuntimeException e) {
        problem = "Redis: " + e.getMessage();
      }
      try {
        Thread.sleep(1_000);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    running = false;
    maintenance.interrupt();
    shippers.forEach(PeerShipper::close);
    try {
      vertx.close().await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("closing HTTP: {}", e.toString());
    }
    blocking.shutdownNow();
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
    counters.close();
  }
}
