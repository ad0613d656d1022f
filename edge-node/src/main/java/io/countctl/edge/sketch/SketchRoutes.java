package io.countctl.edge.sketch;

import io.countctl.core.key.CounterKey;
import io.countctl.core.ops.ErrorReply;
import io.countctl.edge.http.BadRequest;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sketch reads: {@code GET /v1/{id}/{counter}/unique}, {@code …/top} and the live
 * {@code …/top/stream}. Estimates come from {@link SketchCache} (merged from Redis off the event
 * loop); unlike counts they do not include this edge's own writes not yet applied by a worker.
 */
public final class SketchRoutes {
  private static final Logger log = LoggerFactory.getLogger(SketchRoutes.class);

  private final SketchCache cache;
  private final TopStreams streams;

  public SketchRoutes(SketchCache cache, TopStreams streams) {
    this.cache = cache;
    this.streams = streams;
  }

  /** Mounted before the count routes; {@code /top/stream} is matched before {@code /top}. */
  public void mount(Router router) {
    router.get("/v1/:id/:counter/top/stream").handler(ctx -> guard(ctx, () -> stream(ctx)));
    router.get("/v1/:id/:counter/top").handler(ctx -> guard(ctx, () -> top(ctx)));
    router.get("/v1/:id/:counter/unique").handler(ctx -> guard(ctx, () -> unique(ctx)));
  }

  private static void guard(RoutingContext ctx, Runnable r) {
    try {
      r.run();
    } catch (BadRequest e) {
      ErrorReply.send(ctx, e.status(), e.code(), e.getMessage());
    }
  }

  private static CounterKey key(RoutingContext ctx) {
    try {
      return new CounterKey(ctx.pathParam("id"), ctx.pathParam("counter"));
    } catch (IllegalArgumentException e) {
      throw new BadRequest("invalid_key", e.getMessage());
    }
  }

  private TopQuery query(RoutingContext ctx) {
    CounterKey key = key(ctx);
    return TopQuery.parse(key, ctx.queryParams(), cache.settings().of(key.counter()));
  }

  /** {@code ?scope=global} (default: every region's sketches merged) or {@code region} (this region's only). */
  private static boolean regionOnly(RoutingContext ctx) {
    String scope = ctx.request().getParam("scope", "global");
    if (!scope.equals("global") && !scope.equals("region")) {
      throw new BadRequest("invalid_scope", "scope is global (every region, the default) or region (this region only)");
    }
    return scope.equals("region");
  }

  private void unique(RoutingContext ctx) {
    CounterKey key = key(ctx);
    answer(ctx, key, cache.unique(key, regionOnly(ctx)), r -> new JsonObject()
        .put("estimate", r.estimate().estimate())
        .put("lower", r.estimate().lower())
        .put("upper", r.estimate().upper())
        .put("updated_at", iso(r.updatedAtMillis())));
  }

  private void top(RoutingContext ctx) {
    TopQuery q = query(ctx);
    answer(ctx, q.key(), cache.top(q.key(), q.by(), q.window(), regionOnly(ctx)), q::json);
  }

  private void stream(RoutingContext ctx) {
    TopQuery q = query(ctx);
    HttpServerResponse r = ctx.response();
    TopStream[] self = new TopStream[1];
    TopStream s = new TopStream(r, Vertx.currentContext(), q, () -> streams.closed(self[0]));
    self[0] = s;
    streams.open(s); // 503 when full, before any header is sent
    r.setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("Content-Encoding", "identity") // gzip would hold events back in its buffer
        .putHeader("X-Accel-Buffering", "no");
    r.closeHandler(v -> s.closed());
    r.exceptionHandler(e -> s.closed());
    r.write("retry: 2000\n\n");
  }

  private static <T> void answer(RoutingContext ctx, CounterKey key, CompletableFuture<T> read,
      Function<T, JsonObject> body) {
    Runnable reply = () -> ctx.response().putHeader("Content-Type", "application/json")
        .end(body.apply(read.join()).encode());
    if (read.isDone() && !read.isCompletedExceptionally()) {
      reply.run();
      return;
    }
    Context loop = Vertx.currentContext();
    read.whenComplete((v, error) -> loop.runOnContext(x -> {
      if (error != null) {
        log.warn("reading sketches of {} from Redis failed: {}", key, error.toString());
        ErrorReply.send(ctx, 503, "store_unavailable", "the counter store (Redis) cannot be read right now");
      } else {
        reply.run();
      }
    }));
  }

  private static String iso(long millis) {
    return millis == 0 ? null : Instant.ofEpochMilli(millis).toString();
  }
}
