package io.countctl.worker.merge;

import io.countctl.core.key.CounterKey;
import io.countctl.core.ops.ErrorReply;
import io.countctl.core.store.RegionStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/merge}: where peers deliver shipments. Authenticated by the shared secret in
 * {@code X-Count-Secret} (constant-time compare) or, with no secret configured, loopback peers only;
 * checked whole before anything is merged; merged on a virtual thread, never on the event loop.
 * A 200 is the acknowledgement the sender moves its position on. The counters whose value a
 * shipment changed are handed to {@code changed} (live updates) before the 200.
 */
final class MergeEndpoint {
  private static final Logger log = LoggerFactory.getLogger(MergeEndpoint.class);
  static final String PATH = "/v1/merge";
  static final String SECRET_HEADER = "X-Count-Secret";

  private final String region;
  private final byte[] secret;
  private final RegionStore store;
  private final io.countctl.core.store.SketchStore sketches;
  private final io.countctl.core.sketch.SketchSettings sketchSettings;
  private final ExecutorService blocking;
  private final int maxBodyBytes;
  private final MeterRegistry metrics;
  private final Consumer<List<CounterKey>> changed;
  private final Counter received;
  private final Counter merged;

  MergeEndpoint(String region, String secret, RegionStore store, ExecutorService blocking, int maxBodyBytes,
      MeterRegistry metrics, Consumer<List<CounterKey>> changed) {
    this(region, secret, store, null, io.countctl.core.sketch.SketchSettings.DEFAULTS, blocking, maxBodyBytes, metrics, changed);
  }

  /** @param sketches where peers' sketches go (null: this region stores none) */
  MergeEndpoint(String region, String secret, RegionStore store, io.countctl.core.store.SketchStore sketches,
      io.countctl.core.sketch.SketchSettings sketchSettings, ExecutorService blocking, int maxBodyBytes,
      MeterRegistry metrics, Consumer<List<CounterKey>> changed) {
    this.sketches = sketches;
    this.sketchSettings = sketchSettings;
    this.region = region;
    this.changed = changed;
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.store = store;
    this.blocking = blocking;
    this.maxBodyBytes = maxBodyBytes;
    this.metrics = metrics;
    this.received = Counter.builder("count_merge_entries_received_total")
        .description("counter entries received from peer regions").register(metrics);
    this.merged = Counter.builder("count_merge_entries_merged_total")
        .description("received entries that changed this region's view of a peer").register(metrics);
  }

  void mount(Router router) {
    // Vert.x wants the body handler first; the body is bounded, and nothing is read from it unless authorized.
    router.post(PATH).handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
        .handler(this::authorize)
        .handler(this::merge);
  }

  private void authorize(RoutingContext ctx) {
    boolean ok;
    if (secret.length == 0) {
      ok = isLoopback(ctx.request().remoteAddress().host());
    } else {
      String given = ctx.request().getHeader(SECRET_HEADER);
      ok = given != null && MessageDigest.isEqual(secret, given.getBytes(StandardCharsets.UTF_8));
    }
    if (ok) {
      ctx.next();
    } else {
      refused("unauthorized");
      ErrorReply.send(ctx, 401, "unauthorized", secret.length == 0
          ? "no peer secret is configured here, so only loopback peers are accepted"
          : "send the shared peer secret in " + SECRET_HEADER);
    }
  }

  private void merge(RoutingContext ctx) {
    Shipment s;
    try {
      s = ShipmentCodec.decode(ctx.body().buffer(), region);
    } catch (ShipmentCodec.Refused e) {
      refused(e.code());
      ErrorReply.send(ctx, 400, e.code(), e.getMessage());
      return;
    }
    Context loop = Vertx.currentContext();
    blocking.execute(() -> {
      try {
        RegionStore.Merged result = store.merge(s.entries(), s.heard()); // the sender stamps its own time in heard
        if (sketches != null) {
          sketches.mergeRemote(s.from(), s.sketches(), sketchSettings);
        }
        received.increment(s.entries().size());
        merged.increment(result.entries());
        if (!result.counters().isEmpty()) {
          changed.accept(result.counters());
        }
        loop.runOnContext(x -> ctx.response().putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("region", region).put("merged", result.entries()).encode()));
      } catch (RuntimeException e) {
        log.warn("merging a shipment from {} failed: {}", s.from(), e.toString());
        loop.runOnContext(x -> ErrorReply.send(ctx, 503, "store_unavailable", "this region's Redis cannot be written now"));
      }
    });
  }

  private void refused(String reason) {
    Counter.builder("count_merge_refused_total")
        .description("merge calls refused, by reason").tags("reason", reason).register(metrics)
        .increment();
  }

  private static boolean isLoopback(String host) {
    try {
      return host != null && InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
