package io.countctl.worker.merge;

import io.countctl.core.config.FreePort;
import io.countctl.core.ops.MetricsRegistry;
import io.countctl.core.ops.OpsRoutes;
import io.countctl.core.store.CounterStore;
import io.countctl.core.store.RegionStore;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The region-merge role (seed 000 §6, seed 001): exchanges per-region {@code (P, N)} state with peer
 * regions. One HTTP server takes peers' shipments ({@link MergeEndpoint}) and serves health,
 * readiness, metrics and {@code GET /v1/peers}; one {@link PeerShipper} per peer sends this region's
 * changes; a maintenance thread trims the change log and checks Redis. State, not the stream: what
 * travels is each region's current entry, merged by max, so nothing is lost or counted twice
 * however shipments are repeated or cut off. Run one replica per region.
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
  private volatile String problem = "";
  private volatile boolean running = true;

  private RegionMerger(RegionMergeConfig config, CounterStore counters, Vertx vertx, ExecutorService blocking,
      List<PeerShipper> shippers, int port) {
    this.config = config;
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
      shippers.add(new PeerShipper(p, config, store, http, metrics));
    }
    Vertx vertx = Vertx.vertx();
    int port = config.port() == 0 ? FreePort.pick() : config.port();
    RegionMerger merger = new RegionMerger(config, counters, vertx, blocking, shippers, port);
    Router router = Router.router(vertx);
    OpsRoutes.mount(router, metrics, () -> merger.problem);
    new MergeEndpoint(config.region(), config.secret(), store, blocking, config.maxBodyBytes(), metrics).mount(router);
    router.get("/v1/peers").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .end(merger.peersJson().encode()));
    try {
      vertx.createHttpServer(new HttpServerOptions().setDecompressionSupported(true).setCompressionSupported(true))
          .requestHandler(router).listen(port).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      blocking.shutdownNow();
      counters.close();
      throw new IllegalStateException("region-merge could not listen on port " + port + ": " + e.getMessage(), e);
    }
    if (config.secret().isEmpty()) {
      log.warn("no COUNT_PEER_SECRET: the merge endpoint accepts loopback peers only");
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

  private void maintain() {
    RegionStore store = new RegionStore(counters);
    List<String> peers = config.peers().stream().map(Peer::region).toList();
    while (running) {
      try {
        counters.ping();
        long dropped = store.trim(peers, config.logMax());
        if (dropped > 0) {
          log.debug("change log: {} entries trimmed", dropped);
        }
        problem = "";
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
    counters.close();
  }
}
