package io.countctl.worker;

import io.countctl.core.config.FreePort;
import io.countctl.core.config.Topics;
import io.countctl.core.kafka.TopicProvisioner;
import io.countctl.core.ops.MetricsRegistry;
import io.countctl.core.ops.OpsRoutes;
import io.countctl.core.store.CounterStore;
import io.countctl.worker.fanout.FanoutLoop;
import io.countctl.worker.reduce.DeltaConsumerLoop;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running worker: the reducer (deltas → Redis, exactly once), the live fan-out (totals →
 * frontends' webhooks) and a small HTTP server for health and metrics.
 */
public final class Worker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  private final WorkerConfig config;
  private final DeltaConsumerLoop reducer;
  private final FanoutLoop fanout;
  private final Producer<byte[], byte[]> producer;
  private final CounterStore store;
  private final Vertx vertx;
  private final int httpPort;

  private Worker(WorkerConfig config, DeltaConsumerLoop reducer, FanoutLoop fanout, Producer<byte[], byte[]> producer,
      CounterStore store, Vertx vertx, int httpPort) {
    this.config = config;
    this.reducer = reducer;
    this.fanout = fanout;
    this.producer = producer;
    this.store = store;
    this.vertx = vertx;
    this.httpPort = httpPort;
  }

  public static Worker start(WorkerConfig config) {
    Topics topics = new Topics(config.cluster());
    TopicProvisioner.ensureTopics(config.kafkaBootstrap(), topics, config.partitions(), config.replication());
    PrometheusMeterRegistry metrics = MetricsRegistry.create("worker", config.cluster(), config.region());
    CounterStore store = new CounterStore(config.redisUrl(), config.cluster(), 4, config.idempotencyTtl(),
        config.storeTimeout());
    Producer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap(),
        ProducerConfig.CLIENT_ID_CONFIG, config.workerId(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 2,
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
        new ByteArraySerializer(), new ByteArraySerializer());
    DeltaConsumerLoop reducer = new DeltaConsumerLoop(config.kafkaBootstrap(), config.workerId(), topics,
        config.maxPollRecords(), store, producer, metrics, config.sketches(), config.markRetention());
    FanoutLoop fanout = config.fanout()
        ? new FanoutLoop(config.kafkaBootstrap(), topics, config.workerId(), store, config.downtimeUrl(), config.internalSecret(), metrics)
        : null;

    Vertx vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    OpsRoutes.mount(router, metrics, () -> {
      String p = reducer.problem();
      return p.isEmpty() && fanout != null ? fanout.problem() : p;
    });
    int port = config.httpPort() == 0 ? FreePort.pick() : config.httpPort();
    try {
      HttpServer server = vertx.createHttpServer().requestHandler(router);
      server.listen(port, config.httpHost()).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      producer.close();
      store.close();
      throw new IllegalStateException("worker could not listen on port " + port + ": " + e.getMessage(), e);
    }
    reducer.start();
    if (fanout != null) {
      fanout.start();
    }
    log.info("worker {} started (cluster {}, health and metrics on :{})", config.workerId(), config.cluster(), port);
    return new Worker(config, reducer, fanout, producer, store, vertx, port);
  }

  public int httpPort() {
    return httpPort;
  }

  public WorkerConfig config() {
    return config;
  }

  /** Partitions of the deltas topic this worker reduces right now. */
  public Set<Integer> ownedPartitions() {
    return reducer.ownedPartitions();
  }

  /** Totals partitions whose live updates this worker fans out now (empty without fan-out). */
  public Set<Integer> fanoutPartitions() {
    return fanout == null ? Set.of() : fanout.ownedPartitions();
  }

  /**
   * Stops as a killed process would: the reducer applies and commits nothing more. For tests
   * that prove a successor ends exact.
   */
  public void crash() {
    reducer.crash();
    shutdown();
  }

  @Override
  public void close() {
    reducer.close();
    shutdown();
  }

  private void shutdown() {
    if (fanout != null) {
      fanout.close();
    }
    producer.close(Duration.ofSeconds(5));
    try {
      vertx.close().await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("closing HTTP: {}", e.toString());
    }
    store.close();
  }

}
