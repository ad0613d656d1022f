package io.countctl.edge;

import io.countctl.core.config.FreePort;
import io.countctl.core.config.Topics;
import io.countctl.core.kafka.TopicProvisioner;
import io.countctl.core.ops.MetricsRegistry;
import io.countctl.core.store.CounterStore;
import io.countctl.core.store.SketchStore;
import io.countctl.edge.http.ConnectionGate;
import io.countctl.edge.http.EdgeRoutes;
import io.countctl.edge.http.HttpLimits;
import io.countctl.edge.http.InternalRoutes;
import io.countctl.edge.http.MalformedRequests;
import io.countctl.edge.http.StreamGate;
import io.countctl.edge.ingest.Admission;
import io.countctl.edge.ingest.DeltaFlusher;
import io.countctl.edge.ingest.EdgeAggregator;
import io.countctl.edge.ingest.Epochs;
import io.countctl.edge.ingest.InFlightBatches;
import io.countctl.edge.ingest.WritePath;
import io.countctl.edge.live.LiveHub;
import io.countctl.edge.live.LiveRoutes;
import io.countctl.edge.live.SubscriptionPublisher;
import io.countctl.edge.read.CountView;
import io.countctl.edge.read.TotalsCache;
import io.countctl.edge.sketch.SketchCache;
import io.countctl.edge.sketch.SketchRoutes;
import io.countctl.edge.sketch.TopStreams;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
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
 * A running edge node: HTTP server on every event loop, the aggregation table, the flusher to
 * Kafka and the read path from Redis. {@link #start} wires them; {@link #close} stops taking
 * requests, flushes what is pending and waits for Kafka to have it.
 */
public final class EdgeNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EdgeNode.class);

  private final EdgeConfig config;
  private final Vertx vertx;
  private final DeltaFlusher flusher;
  private final Producer<byte[], byte[]> producer;
  private final CounterStore store;
  private final ExecutorService blocking;
  private final StoreWatch storeWatch;
  private final LiveHub hub;
  private final SubscriptionPublisher subscriptions;
  private final TopStreams topStreams;
  private final int port;
  private final ConnectionGate gate;

  private EdgeNode(EdgeConfig config, Vertx vertx, DeltaFlusher flusher, Producer<byte[], byte[]> producer,
      CounterStore store, ExecutorService blocking, StoreWatch storeWatch, LiveHub hub, SubscriptionPublisher subscriptions,
      TopStreams topStreams, int port, ConnectionGate gate) {
    this.gate = gate;
    this.topStreams = topStreams;
    this.hub = hub;
    this.subscriptions = subscriptions;
    this.config = config;
    this.vertx = vertx;
    this.flusher = flusher;
    this.producer = producer;
    this.store = store;
    this.blocking = blocking;
    this.storeWatch = storeWatch;
    this.port = port;
  }

  public static EdgeNode start(EdgeConfig requested) {
    EdgeConfig config = requested.withPorts(requested.httpPort() == 0 ? FreePort.pick() : requested.httpPort(),
        requested.internalPort() == 0 ? FreePort.pick() : requested.internalPort());
    Topics topics = new Topics(config.cluster());
    TopicProvisioner.ensureTopics(config.kafkaBootstrap(), topics, config.partitions(), config.replication());

    PrometheusMeterRegistry metrics = MetricsRegistry.create("edge", config.cluster(), config.region());
    // A short client timeout: a hanging Redis must fail reads soon, so they answer stale instead.
    CounterStore store = new CounterStore(config.redisUrl(), config.cluster(), 64, java.time.Duration.ofHours(24),
        config.storeTimeout());
    ExecutorService blocking = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("edge-redis-", 0).factory());
    Producer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(config));

    EdgeAggregator aggregator = new EdgeAggregator();
    // Keep applied batches a little longer than a cached total can be served (see InFlightBatches).
    InFlightBatches inFlight = new InFlightBatches(config.readCacheTtl().toNanos() + TimeUnit.MILLISECONDS.toNanos(100));
    DeltaFlusher flusher = new DeltaFlusher(aggregator, inFlight, producer, topics.deltas(), config.edgeId(),
        Epochs.take(store, java.time.Duration.ofSeconds(30)), config.flushInterval(), config.writeTimeout(), config.sketches(), metrics);
    Admission admission = new Admission(aggregator, flusher, config.maxPendingCounters(), config.maxKafkaStall());
    WritePath writes = new WritePath(aggregator, admission, config.ackMode(),
        new io.countctl.edge.ingest.IdempotencyKeys(store, blocking, metrics), metrics);
    TotalsCache cache = new TotalsCache(store, inFlight, blocking, config.readCacheTtl(), config.readCacheEntries(),
        config.storeTimeout());
    CountView view = new CountView(aggregator, inFlight, flusher::moveVersion, blocking, config.readCacheEntries());
    StoreWatch storeWatch = new StoreWatch(store, inFlight, cache::storeAnswered);
    Gauge.builder("count_edge_store_up", cache, c -> c.storeDown() ? 0 : 1)
        .description("1 while Redis answers within COUNT_STORE_TIMEOUT_MS; 0 while counts are answered stale")
        .register(metrics);
    Gauge.builder("count_edge_pending_counters", aggregator, EdgeAggregator::size)
        .description("counters with a delta not yet flushed to Kafka").register(metrics);
    Gauge.builder("count_edge_inflight_batches", inFlight, InFlightBatches::size)
        .description("flushed batches kept until the totals read from Redis include them").register(metrics);
    Gauge.builder("count_edge_kafka_stall_seconds", flusher, f -> f.stalledFor().toMillis() / 1000.0)
        .description("how long Kafka has not acknowledged a flush record that is waiting (0 when none waits)").baseUnit("seconds").register(metrics);

    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.eventLoops()));
    SubscriptionPublisher subscriptions = new SubscriptionPublisher(producer, topics.subscriptions(), config.callbackUrl(), metrics);
    LiveHub hub = new LiveHub(vertx, subscriptions, cache, view, config.sseCoalesceMs(), config.sseHeartbeatMs(),
        config.sseLeaseMs(), metrics);
    LiveRoutes live = new LiveRoutes(hub, config.sseMaxCounters());
    InternalRoutes internal = new InternalRoutes(hub, config.internalSecret(), config.limits().maxBodyBytes());
    if (config.internalSecret().isEmpty()) {
      log.warn("COUNT_INTERNAL_SECRET is not set: this edge refuses every /internal/* call, so workers cannot push"
          + " live changes to it and the downtime handler cannot make it resubscribe");
    }
    // Redis is not part of readiness: without it the edge still takes writes (Kafka makes them
    // durable) and answers the last counts read, marked stale; unready edges would turn a store
    // outage into a full one. It shows in count_edge_store_up and the log.
    java.util.function.Supplier<String> readiness = () -> {
      String admit = admission.problem();
      return admit.isEmpty() ? subscriptions.problem() : admit;
    };
    SketchCache sketchCache = new SketchCache(new SketchStore(store), config.sketches(), blocking, config.readCacheTtl(),
        config.readCacheEntries());
    TopStreams topStreams = new TopStreams(vertx, sketchCache, config.topRefreshMs(), config.sseHeartbeatMs(),
        config.topMaxStreams(), metrics);
    EdgeRoutes routes = new EdgeRoutes(config, writes, cache, view, live, new SketchRoutes(sketchCache, topStreams),
        metrics, readiness);
    int port = config.httpPort();
    HttpLimits limits = config.limits();
    HttpServerOptions http = serverOptions(config, port)
        .setCompressionSupported(true)
        .setCompressionLevel(1); // tiny JSON bodies: spend little CPU on gzip
    HttpServerOptions internalHttp = serverOptions(config, config.internalPort());
    ConnectionGate gate = new ConnectionGate(limits);
    StreamGate streamGate = new StreamGate(gate, () -> hub.connections() + topStreams.streams(), limits.maxStreams());
    HttpMetrics httpMetrics = new HttpMetrics(metrics);
    Gauge.builder("count_edge_http_connections", gate, ConnectionGate::connections)
        .description("open connections on the public port").register(metrics);
    try {
      // One server per event loop; Vert.x shares the ports between them.
      vertx.deployVerticle(() -> new HttpVerticle(routes, streamGate, gate, http, internal, internalHttp, httpMetrics),
              new DeploymentOptions().setInstances(config.eventLoops()))
          .await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      producer.close();
      store.close();
      throw new IllegalStateException("edge could not listen on ports " + port + " and " + config.internalPort() + ": "
          + e.getMessage(), e);
    }
    flusher.start();
    storeWatch.start();
    log.info("edge {} listening on :{}, internal :{} as {} (cluster {}, {} mode, flush every {} ms)", config.edgeId(), port,
        config.internalPort(), config.callbackUrl(), config.cluster(), config.ackMode().name().toLowerCase(), config.flushInterval().toMillis());
    return new EdgeNode(config, vertx, flusher, producer, store, blocking, storeWatch, hub, subscriptions, topStreams, port, gate);
  }

  /** Sizes and timeouts of both ports; Vert.x answers 414 / 431 itself past the size limits. */
  private static HttpServerOptions serverOptions(EdgeConfig config, int port) {
    HttpLimits limits = config.limits();
    return new HttpServerOptions()
        .setPort(port)
        .setHost(config.httpHost())
        .setMaxInitialLineLength(limits.maxUrlBytes())
        .setMaxHeaderSize(limits.maxHeaderBytes())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setIdleTimeout((int) limits.idleTimeout().toMillis())
        // Every write to a connection happens on its event loop (completions from Kafka, Redis
        // and the blocking pool hop back with runOnContext), so Vert.x may skip its per-connection
        // MPSC outbound queue, whose first chunk alone is ~4.1 KB of heap: an idle SSE stream
        // costs ~5 KB instead of ~10 (bench/RESULTS.md, "SSE: memory and latency").
        .setStrictThreadMode(true);
  }

  static Map<String, Object> producerConfig(EdgeConfig config) {
    return Map.ofEntries(
        Map.entry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap()),
        Map.entry(ProducerConfig.CLIENT_ID_CONFIG, "edge-" + config.edgeId()),
        Map.entry(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()),
        Map.entry(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()),
        Map.entry(ProducerConfig.ACKS_CONFIG, "all"),
        Map.entry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
        // Retry inside the producer until Kafka answers: a record given up on could still land,
        // and a re-send would then count twice. Memory is bounded by Admission instead.
        Map.entry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE),
        Map.entry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000),
        Map.entry(ProducerConfig.LINGER_MS_CONFIG, 0), // the edge batches already
        Map.entry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")); // the flusher picks partitions (DeltaFlusher)
  }

  public int port() {
    return port;
  }

  /** The port of {@code /internal/*}. */
  public int internalPort() {
    return config.internalPort();
  }

  public EdgeConfig config() {
    return config;
  }

  /** Open top-K streams and the pollers feeding them (both go when the streams end). */
  public int topStreams() {
    return topStreams.streams();
  }

  public int topPollers() {
    return topStreams.pollers();
  }

  /** Open connections on the public port. */
  public int connections() {
    return gate.connections();
  }

  /** Open SSE connections (watchers leave on every way a stream ends). */
  public int sseConnections() {
    return hub.connections();
  }

  @Override
  public void close() {
    hub.close(); // end every stream: their watchers leave and the subscriptions are removed
    topStreams.close();
    try {
      vertx.close().await(10, TimeUnit.SECONDS); // stop taking requests first
    } catch (Exception e) {
      log.warn("closing HTTP: {}", e.toString());
    }
    flusher.close(); // flush what was accepted and wait for Kafka
    storeWatch.close();
    subscriptions.close(); // publishes the removals before the producer goes
    producer.close(java.time.Duration.ofSeconds(10));
    blocking.shutdownNow();
    store.close();
  }


  /** One public and one internal HTTP server instance, on the event loop Vert.x gives this verticle. */
  private static final class HttpVerticle extends VerticleBase {
    private final EdgeRoutes routes;
    private final StreamGate streamGate;
    private final ConnectionGate gate;
    private final HttpServerOptions options;
    private final InternalRoutes internal;
    private final HttpServerOptions internalOptions;
    private final HttpMetrics httpMetrics;

    HttpVerticle(EdgeRoutes routes, StreamGate streamGate, ConnectionGate gate, HttpServerOptions options,
        InternalRoutes internal, HttpServerOptions internalOptions, HttpMetrics httpMetrics) {
      this.routes = routes;
      this.httpMetrics = httpMetrics;
      this.streamGate = streamGate;
      this.gate = gate;
      this.options = options;
      this.internal = internal;
      this.internalOptions = internalOptions;
    }

    @Override
    public Future<?> start() {
      HttpServer server = vertx.createHttpServer(options)
          .connectionHandler(gate::accept)
          .invalidRequestHandler(MalformedRequests::answer)
          .requestHandler(httpMetrics.around(gate.requests(MalformedRequests.checked(routes.handler(vertx, streamGate)))));
      HttpServer internalServer = vertx.createHttpServer(internalOptions)
          .invalidRequestHandler(MalformedRequests::answer)
          .requestHandler(MalformedRequests.checked(internal.router(vertx)));
      return Future.all(server.listen(), internalServer.listen());
    }
  }
}
