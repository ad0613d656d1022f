package io.countctl.edge.http;

import io.countctl.core.key.CounterKey;
import io.countctl.core.ops.ErrorReply;
import io.countctl.core.ops.OpsRoutes;
import io.countctl.edge.EdgeConfig;
import io.countctl.edge.ingest.WritePath;
import io.countctl.edge.ingest.WriteRequest;
import io.countctl.edge.live.LiveRoutes;
import io.countctl.edge.read.CountView;
import io.countctl.edge.read.TotalsCache;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's public HTTP API (seed 001's routes). Handlers run on the event loop and never block:
 * writes touch only memory, reads wait for Redis through a future completed off the loop.
 */
public final class EdgeRoutes {
  private static final Logger log = LoggerFactory.getLogger(EdgeRoutes.class);

  private final EdgeConfig config;
  private final WritePath writes;
  private final TotalsCache cache;
  private final CountView view;
  private final LiveRoutes live;
  private final PrometheusMeterRegistry metrics;
  private final Supplier<String> readiness;

  public EdgeRoutes(EdgeConfig config, WritePath writes, TotalsCache cache, CountView view, LiveRoutes live,
      PrometheusMeterRegistry metrics, Supplier<String> readiness) {
    this.live = live;
    this.config = config;
    this.writes = writes;
    this.cache = cache;
    this.view = view;
    this.metrics = metrics;
    this.readiness = readiness;
  }

  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    OpsRoutes.mount(router, metrics, readiness);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(config.maxBodyBytes());
    live.mount(router, body); // before the count routes: /v1/{id}/{counter}/stream is longer
    router.post("/v1/batch").handler(body).handler(guard(this::batch));
    router.put("/v1/:id/:counter").handler(body).handler(guard(this::put));
    router.get("/v1/:id/:counter").handler(guard(this::get));

    router.errorHandler(404, ctx -> ErrorReply.send(ctx, 404, "not_found",
        "no route " + ctx.request().method() + " " + ctx.request().path()));
    router.errorHandler(405, ctx -> ErrorReply.send(ctx, 405, "method_not_allowed",
        ctx.request().method() + " is not allowed on " + ctx.request().path()));
    router.errorHandler(413, ctx -> ErrorReply.send(ctx, 413, "body_too_large",
        "request bodies are limited to " + config.maxBodyBytes() + " bytes"));
    router.errorHandler(400, ctx -> ErrorReply.send(ctx, 400, "bad_request", "the request could not be read"));
    router.errorHandler(500, ctx -> {
      log.error("unexpected error on {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
      ErrorReply.send(ctx, 500, "internal", "unexpected error; see the edge's log");
    });
    return router;
  }

  private static io.vertx.core.Handler<RoutingContext> guard(io.vertx.core.Handler<RoutingContext> h) {
    return ctx -> {
      try {
        h.handle(ctx);
      } catch (BadRequest e) {
        ErrorReply.send(ctx, e.status(), e.code(), e.getMessage());
      }
    };
  }

  private void put(RoutingContext ctx) {
    WriteRequest w = WriteRequest.parse(ctx.pathParam("id"), ctx.pathParam("counter"), ctx.body().buffer(),
        ctx.request().getHeader("Idempotency-Key"));
    whenDone(ctx, writes.write(w), () -> answerCount(ctx, w.key(), true));
  }

  private void get(RoutingContext ctx) {
    CounterKey key;
    try {
      key = new CounterKey(ctx.pathParam("id"), ctx.pathParam("counter"));
    } catch (IllegalArgumentException e) {
      throw new BadRequest("invalid_key", e.getMessage());
    }
    answerCount(ctx, key, false);
  }

  private void batch(RoutingContext ctx) {
    JsonObject json = BatchRequest.object(ctx.body().buffer());
    List<WriteRequest> list = BatchRequest.parse(json, config.maxBatchWrites());
    long total = 0;
    for (WriteRequest w : list) {
      total += w.by();
    }
    long operations = total;
    whenDone(ctx, writes.writeAll(list), () -> ctx.response()
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("accepted", list.size()).put("operations", operations)
            .put("updated_at", Instant.now().toString()).encode()));
  }

  /** Runs {@code then} on the request's event loop once {@code done} completes; 503 if it failed. */
  private static void whenDone(RoutingContext ctx, CompletableFuture<?> done, Runnable then) {
    if (done.isDone() && !done.isCompletedExceptionally()) {
      then.run();
      return;
    }
    Context loop = Vertx.currentContext();
    done.whenComplete((v, error) -> loop.runOnContext(x -> {
      if (error != null) {
        ErrorReply.send(ctx, 503, "not_confirmed",
            "Kafka did not confirm the write in time; it may still be counted: retry with an Idempotency-Key");
      } else {
        then.run();
      }
    }));
  }

  private void answerCount(RoutingContext ctx, CounterKey key, boolean justWritten) {
    CompletableFuture<TotalsCache.Entry> entry = cache.fresh(key);
    Runnable reply = () -> {
      CountView.Seen seen = view.seen(key, entry.join());
      long updated = justWritten || seen.hasLocal() ? System.currentTimeMillis() : seen.storedUpdatedAtMillis();
      ctx.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject()
              .put("count", seen.count())
              .put("updated_at", updated == 0 ? null : Instant.ofEpochMilli(updated).toString())
              .encode());
    };
    if (entry.isDone() && !entry.isCompletedExceptionally()) {
      reply.run();
      return;
    }
    Context loop = Vertx.currentContext();
    entry.whenComplete((e, error) -> loop.runOnContext(x -> {
      if (error != null) {
        log.warn("reading {} from Redis failed: {}", key, error.toString());
        ErrorReply.send(ctx, 503, "store_unavailable", "the counter store (Redis) cannot be read right now");
      } else {
        reply.run();
      }
    }));
  }

  /** {@code POST /v1/batch} body: {@code {"writes": [{"id":…, "counter":…, "action":…, "by":…}, …]}}. */
  static final class BatchRequest {
    private BatchRequest() {}

    static JsonObject object(io.vertx.core.buffer.Buffer body) {
      return WriteRequest.object(body, "{\"writes\": [...]}");
    }

    /** All or nothing: one bad entry refuses the whole request, naming the entry. */
    static List<WriteRequest> parse(JsonObject json, int max) {
      if (!(json.getValue("writes") instanceof JsonArray arr)) {
        throw new BadRequest("malformed_json", "the body must have a \"writes\" array");
      }
      if (arr.isEmpty() || arr.size() > max) {
        throw new BadRequest("invalid_batch", "a batch holds 1 to " + max + " writes, got " + arr.size());
      }
      List<WriteRequest> out = new ArrayList<>(arr.size());
      for (int i = 0; i < arr.size(); i++) {
        if (!(arr.getValue(i) instanceof JsonObject w)) {
          throw new BadRequest("malformed_json", "writes[" + i + "] must be an object");
        }
        try {
          out.add(WriteRequest.fromEntry(w));
        } catch (BadRequest e) {
          throw new BadRequest(e.status(), e.code(), "writes[" + i + "]: " + e.getMessage());
        }
      }
      return out;
    }
  }
}
