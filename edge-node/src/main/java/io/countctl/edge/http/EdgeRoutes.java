package io.countctl.edge.http;

import io.countctl.core.key.CounterKey;
import io.countctl.core.ops.ErrorReply;
import io.countctl.core.ops.OpsRoutes;
import io.countctl.edge.EdgeConfig;
import io.countctl.edge.ingest.BatchBody;
import io.countctl.edge.ingest.WritePath;
import io.countctl.edge.ingest.WriteRequest;
import io.countctl.edge.live.LiveRoutes;
import io.countctl.edge.read.CountView;
import io.countctl.edge.read.TotalsCache;
import io.countctl.edge.sketch.SketchRoutes;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
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
  /** On a count answered from the last total read because the store did not answer in time. */
  public static final String STALE_HEADER = "Count-Stale";

  private final EdgeConfig config;
  private final WritePath writes;
  private final TotalsCache cache;
  private final CountView view;
  private final LiveRoutes live;
  private final SketchRoutes sketches;
  private final PrometheusMeterRegistry metrics;
  private final Supplier<String> readiness;
  private final Replies replies = new Replies();
  private final OpenApiDocument openApi = OpenApiDocument.load();

  public EdgeRoutes(EdgeConfig config, WritePath writes, TotalsCache cache, CountView view, LiveRoutes live,
      SketchRoutes sketches, PrometheusMeterRegistry metrics, Supplier<String> readiness) {
    this.live = live;
    this.sketches = sketches;
    this.config = config;
    this.writes = writes;
    this.cache = cache;
    this.view = view;
    this.metrics = metrics;
    this.readiness = readiness;
  }

  /**
   * The public port's request handler for the calling event loop: {@link HotRoutes} in front of
   * the {@link #router}. Call from the verticle that owns the loop (its body deadlines are swept
   * by a timer there).
   */
  public io.vertx.core.Handler<HttpServerRequest> handler(Vertx vertx, io.vertx.core.Handler<RoutingContext> streamGate) {
    Router router = router(vertx, streamGate);
    BodyDeadlines deadlines = new BodyDeadlines(config.limits().requestReadTimeout().toMillis());
    vertx.setPeriodic(deadlines.tickMs(), id -> deadlines.sweep());
    return new HotRoutes(this, router, config.limits().maxWriteBodyBytes(), deadlines, config.cors().enabled());
  }

  /** @param streamGate runs before every SSE route (stream caps: {@link StreamGate}) */
  public Router router(Vertx vertx, io.vertx.core.Handler<RoutingContext> streamGate) {
    Router router = Router.router(vertx);
    HttpLimits limits = config.limits();
    // A single write is a few dozen bytes: its small limit is what most of the body budget goes to.
    BodyHandler writeBody = BodyHandler.create(false).setBodyLimit(limits.maxWriteBodyBytes());
    BodyHandler batchBody = BodyHandler.create(false).setBodyLimit(limits.maxBodyBytes());
    router.route().failureHandler(MalformedRequests::failure);
    router.route().handler(new BodyReadTimeout(vertx, limits.requestReadTimeout().toMillis()));
    if (config.cors().enabled()) {
      router.route().handler(new CrossOrigin(config.cors())); // first: a refused write's body is never read
    }
    // Every other request is read to its end (small limit) before it is answered, so a broken body
    // (an invalid chunk) gets 400 rather than the answer to the part before it.
    router.route().handler(ctx -> {
      io.vertx.core.http.HttpMethod m = ctx.request().method();
      if (m == io.vertx.core.http.HttpMethod.PUT || m == io.vertx.core.http.HttpMethod.POST) {
        ctx.next();
      } else {
        writeBody.handle(ctx);
      }
    });
    OpsRoutes.mount(router, metrics, readiness);
    router.get("/v1/stream").handler(streamGate);
    router.get("/v1/:id/:counter/stream").handler(streamGate);
    router.get("/v1/:id/:counter/top/stream").handler(streamGate);
    live.mount(router); // before the count routes: /v1/{id}/{counter}/stream is longer
    sketches.mount(router); // /unique, /top, /top/stream
    router.post("/v1/batch").handler(batchBody).handler(guard(this::batch));
    router.put("/v1/:id/:counter").handler(writeBody).handler(guard(this::put));
    // navigator.sendBeacon can only POST (a text/plain body, no preflight): the same write as PUT.
    router.post("/v1/:id/:counter").handler(writeBody).handler(guard(this::put));
    router.get("/v1/:id/:counter").handler(guard(this::get));
    router.get("/v1/:id/:counter/regions").handler(guard(this::regions));
    openApi.mount(router);
    Console.mount(router);

    router.errorHandler(404, ctx -> ErrorReply.send(ctx, 404, "not_found",
        "no route " + ctx.request().method() + " " + ctx.request().path()));
    router.errorHandler(405, ctx -> ErrorReply.send(ctx, 405, "method_not_allowed",
        ctx.request().method() + " is not allowed on " + ctx.request().path()));
    router.errorHandler(413, ctx -> ErrorReply.send(ctx, 413, "body_too_large",
        !ctx.request().path().equals("/v1/batch")
            ? "a write's body is limited to " + limits.maxWriteBodyBytes() + " bytes"
            : "request bodies are limited to " + limits.maxBodyBytes() + " bytes"));
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
    put(ctx.request(), ctx.pathParam("id"), ctx.pathParam("counter"), ctx.body().buffer());
  }

  /**
   * {@code PUT} (or {@code POST}) {@code /v1/{id}/{counter}} once its body is read (from the router,
   * or from {@link HotRoutes}). The body is read as JSON whatever its content type says: a
   * {@code sendBeacon} sends {@code text/plain;charset=UTF-8}.
   */
  private void put(HttpServerRequest request, String id, String counter, Buffer body) {
    WriteRequest w = WriteRequest.parse(id, counter, body, request.getHeader("Idempotency-Key"));
    whenDone(request, writes.write(w), () -> answerCount(request, w.key(), true, false));
  }

  private void get(RoutingContext ctx) {
    CounterKey key = key(ctx);
    String scope = ctx.request().getParam("scope", "global");
    if (!scope.equals("global") && !scope.equals("region")) {
      throw new BadRequest("invalid_scope", "scope is global (every region, the default) or region (this region only)");
    }
    answerCount(ctx.request(), key, false, scope.equals("region"));
  }

  /**
   * {@link HotRoutes}' {@code PUT}: the same as the router's route, errors included (a refused
   * write is a 4xx JSON error, anything unexpected the router's 500).
   */
  void hotPut(HttpServerRequest request, String id, String counter, Buffer body) {
    try {
      put(request, id, counter, body);
    } catch (BadRequest e) {
      Replies.error(request.response(), e.status(), e.code(), e.getMessage());
    } catch (RuntimeException e) {
      unexpected(request, e);
    }
  }

  /** {@link HotRoutes}' {@code GET} without a query: the global count. */
  void hotGet(HttpServerRequest request, String id, String counter) {
    try {
      answerCount(request, WriteRequest.key(id, counter), false, false);
    } catch (BadRequest e) {
      Replies.error(request.response(), e.status(), e.code(), e.getMessage());
    } catch (RuntimeException e) {
      unexpected(request, e);
    }
  }

  private static void unexpected(HttpServerRequest request, RuntimeException e) {
    log.error("unexpected error on {} {}", request.method(), request.path(), e);
    Replies.error(request.response(), 500, "internal", "unexpected error; see the edge's log");
  }

  private static CounterKey key(RoutingContext ctx) {
    try {
      return new CounterKey(ctx.pathParam("id"), ctx.pathParam("counter"));
    } catch (IllegalArgumentException e) {
      throw new BadRequest("invalid_key", e.getMessage());
    }
  }

  /**
   * {@code GET /v1/{id}/{counter}/regions}: each region's count of the counter (this region's as
   * this edge sees it, the others' as last merged) and when each was last heard from.
   */
  private void regions(RoutingContext ctx) {
    CounterKey key = key(ctx);
    CompletableFuture<TotalsCache.Entry> entry = cache.fresh(key);
    CompletableFuture<java.util.Map<String, Long>> heard = cache.lastHeard();
    Context loop = Vertx.currentContext();
    CompletableFuture.allOf(entry, heard).thenCompose(v -> view.served(key, new TotalsCache.Read(entry.join(), false)))
        .whenComplete((seen, error) -> loop.runOnContext(x -> {
      if (error != null) {
        log.warn("reading {} from Redis failed: {}", key, error.toString());
        ErrorReply.send(ctx, 503, "store_unavailable", "the counter store (Redis) cannot be read right now");
        return;
      }
      TotalsCache.Entry e = entry.join();
      java.util.Map<String, Long> lastHeard = heard.join();
      java.util.TreeSet<String> names = new java.util.TreeSet<>(lastHeard.keySet());
      names.addAll(e.stored().remote().keySet());
      names.remove(config.region());
      JsonArray list = new JsonArray();
      long now = System.currentTimeMillis();
      list.add(new JsonObject().put("region", config.region()).put("local", true)
          .put("count", seen.count()).put("p", seen.state().p()).put("n", seen.state().n())
          .put("updated_at", iso(seen.regionUpdatedAtMillis())).put("last_heard", iso(now)));
      for (String r : names) {
        io.countctl.core.store.RegionEntry re = e.stored().remote().get(r);
        list.add(new JsonObject().put("region", r).put("local", false)
            .put("count", re == null ? 0 : re.state().value())
            .put("p", re == null ? 0 : re.state().p()).put("n", re == null ? 0 : re.state().n())
            .put("updated_at", re == null ? null : iso(re.updatedAtMillis()))
            .put("last_heard", lastHeard.containsKey(r) ? iso(lastHeard.get(r)) : null));
      }
      ctx.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("id", key.id()).put("counter", key.counter()).put("count", seen.globalCount())
              .put("regions", list).encode());
    }));
  }

  private static String iso(long millis) {
    return millis == 0 ? null : Instant.ofEpochMilli(millis).toString();
  }

  private void batch(RoutingContext ctx) {
    List<WriteRequest> list = BatchBody.parse(ctx.body().buffer(), config.maxBatchWrites());
    long total = 0;
    for (WriteRequest w : list) {
      total += w.by();
    }
    long operations = total;
    whenDone(ctx.request(), writes.writeAll(list), () -> ctx.response()
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("accepted", list.size()).put("operations", operations)
            .put("updated_at", Instant.now().toString()).encode()));
  }

  /**
   * Runs {@code then} on the request's event loop once {@code done} completes; 503 if it failed,
   * saying what a retry does: with the same Idempotency-Key it counts once; without one (and a
   * batch never carries one) it may count twice.
   */
  private static void whenDone(HttpServerRequest request, CompletableFuture<?> done, Runnable then) {
    if (done.isDone() && !done.isCompletedExceptionally()) {
      then.run();
      return;
    }
    Context loop = Vertx.currentContext();
    done.whenComplete((v, error) -> loop.runOnContext(x -> {
      Throwable cause = error instanceof java.util.concurrent.CompletionException c && c.getCause() != null ? c.getCause() : error;
      if (cause instanceof BadRequest refused) { // refused after an asynchronous check (a reused Idempotency-Key)
        Replies.error(request.response(), refused.status(), refused.code(), refused.getMessage());
      } else if (error != null) {
        boolean keyed = !request.path().equals("/v1/batch") && request.getHeader("Idempotency-Key") != null;
        Replies.error(request.response(), 503, "not_confirmed", keyed
            ? "Kafka did not confirm the write in time; it may still be counted: retry with the same Idempotency-Key,"
                + " which counts it once either way"
            : "Kafka did not confirm the write in time; it may still be counted, so a retry may count it twice;"
                + " writes sent with an Idempotency-Key can be retried safely");
      } else {
        then.run();
      }
    }));
  }

  /**
   * Answers the global count, or with {@code regionOnly} this region's. Never waits for the store
   * longer than its timeout: then the count is the last total read plus this edge's writes since,
   * marked stale ({@code Count-Stale: true} and {@code "stale": true}).
   */
  private void answerCount(HttpServerRequest request, CounterKey key, boolean justWritten, boolean regionOnly) {
    TotalsCache.Read cached = cache.cached(key);
    CountView.Seen now = cached == null ? null : view.servedNow(key, cached);
    if (now != null) { // the common case: a fresh total and no flush moving deltas; no future needed
      replyCount(request.response(), now, justWritten, regionOnly);
      return;
    }
    CompletableFuture<CountView.Seen> answer = cache.read(key).thenCompose(r -> view.served(key, r));
    if (answer.isDone() && !answer.isCompletedExceptionally()) {
      replyCount(request.response(), answer.join(), justWritten, regionOnly);
      return;
    }
    Context loop = Vertx.currentContext();
    answer.whenComplete((seen, error) -> loop.runOnContext(x -> {
      if (error != null) {
        log.warn("reading {} from Redis failed: {}", key, error.toString());
        Replies.error(request.response(), 503, "store_unavailable", "the counter store (Redis) cannot be read right now");
      } else {
        replyCount(request.response(), seen, justWritten, regionOnly);
      }
    }));
  }

  private void replyCount(HttpServerResponse response, CountView.Seen seen, boolean justWritten, boolean regionOnly) {
    long stored = regionOnly ? seen.regionUpdatedAtMillis() : seen.storedUpdatedAtMillis();
    long updated = justWritten || seen.hasLocal() ? System.currentTimeMillis() : stored;
    if (seen.stale()) {
      response.putHeader(STALE_HEADER, "true");
    }
    response.putHeader(Replies.CONTENT_TYPE, Replies.JSON)
        .end(replies.count(regionOnly ? seen.count() : seen.globalCount(), updated, seen.stale()));
  }
}
