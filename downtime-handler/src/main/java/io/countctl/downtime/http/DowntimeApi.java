package io.countctl.downtime.http;

import io.countctl.core.ops.ErrorReply;
import io.countctl.core.ops.OpsRoutes;
import io.countctl.downtime.DowntimeMetrics;
import io.countctl.downtime.notify.ResubscribeClient;
import io.countctl.downtime.registry.WorkerRecord;
import io.countctl.downtime.registry.WorkerRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API: {@code POST /store}, {@code POST /cleanup}, {@code POST /heartbeat},
 * {@code GET /v1/workers}, and the ops routes. Redis is only touched through
 * {@code executeBlocking}, never on the event loop.
 */
public final class DowntimeApi {
  private static final Logger LOG = LoggerFactory.getLogger(DowntimeApi.class);
  static final long MAX_BODY_BYTES = 16 * 1024;

  private final Vertx vertx;
  private final WorkerRegistry registry;
  private final DowntimeMetrics metrics;
  private final byte[] secret;
  private final FrontendAllowList allowed;
  private final Clock clock;

  /** @param secret required in {@code X-Count-Secret} on every POST and on the worker listing */
  public DowntimeApi(Vertx vertx, WorkerRegistry registry, DowntimeMetrics metrics, String secret,
      FrontendAllowList allowed, Clock clock) {
    this.vertx = vertx;
    this.registry = registry;
    this.metrics = metrics;
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.allowed = allowed;
    this.clock = clock;
  }

  /** @param readiness see {@link OpsRoutes#mount}: cached, must not block */
  public Router router(Supplier<String> readiness) {
    Router router = Router.router(vertx);
    OpsRoutes.mount(router, metrics.registry(), readiness);
    // Per path rather than router.post(): a path-less POST route would turn every unknown GET into a 405.
    for (String path : List.of("/store", "/cleanup", "/heartbeat")) {
      // Vert.x wants the body handler first; bodies are capped, so reading one before the secret check is cheap.
      router.post(path).handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES)).handler(this::checkSecret);
    }
    router.post("/store").handler(ctx -> write(ctx, "store", () -> {
      var body = Requests.object(ctx.body().buffer());
      String worker = Requests.worker(body);
      String frontend = Requests.frontend(body);
      if (!allowed.allows(java.net.URI.create(frontend))) {
        LOG.warn("refused to register frontend {} for worker {}: outside {}", frontend, worker, allowed);
        throw new BadRequest(403, "frontend_not_allowed",
            "frontend " + frontend + " is outside the allowed address space (COUNT_FRONTEND_ALLOW)");
      }
      return () -> registry.store(worker, frontend);
    }));
    router.post("/cleanup").handler(ctx -> write(ctx, "cleanup", () -> {
      var body = Requests.object(ctx.body().buffer());
      String frontend = Requests.frontend(body);
      // With "worker": only that worker gave up on the frontend (its webhook kept failing from
      // there); the others that still serve it keep their entries, so the registry stays true.
      Optional<String> worker = body.containsKey("worker") ? Optional.of(Requests.worker(body)) : Optional.empty();
      return () -> {
        if (worker.isPresent()) {
          boolean had = registry.cleanup(worker.get(), frontend);
          LOG.info("frontend {} cleaned up for worker {} ({})", frontend, worker.get(), had ? "was registered" : "was not registered");
        } else {
          int n = registry.cleanup(frontend);
          LOG.info("frontend {} cleaned up (was served by {} worker(s))", frontend, n);
        }
      };
    }));
    router.post("/heartbeat").handler(ctx -> write(ctx, "heartbeat", () -> {
      String worker = Requests.worker(Requests.object(ctx.body().buffer()));
      return () -> registry.heartbeat(worker, clock.millis());
    }));
    // The listing names every frontend: as private as the registry itself.
    router.get("/v1/workers").handler(this::checkSecret).handler(ctx -> blocking(ctx, registry::all, list -> ctx.json(workersJson(list))));

    router.errorHandler(400, ctx -> error(ctx, 400, "bad_request", "the request is malformed"));
    router.errorHandler(404, ctx -> error(ctx, 404, "not_found", "no such route: " + ctx.request().path()));
    router.errorHandler(405, ctx -> error(ctx, 405, "method_not_allowed",
        ctx.request().method() + " is not allowed on " + ctx.request().path()));
    router.errorHandler(413, ctx -> error(ctx, 413, "body_too_large", "the body is larger than " + MAX_BODY_BYTES + " bytes"));
    router.errorHandler(500, ctx -> {
      LOG.warn("request {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
      error(ctx, 500, "internal", "internal error");
    });
    return router;
  }

  private void checkSecret(RoutingContext ctx) {
    String given = ctx.request().getHeader(ResubscribeClient.SECRET_HEADER);
    // MessageDigest.isEqual takes the same time wherever the first difference is.
    if (given == null || !MessageDigest.isEqual(secret, given.getBytes(StandardCharsets.UTF_8))) {
      error(ctx, 401, "unauthorized", "missing or wrong " + ResubscribeClient.SECRET_HEADER + " header");
      return;
    }
    ctx.next();
  }

  /**
   * Validates on the event loop (cheap), then runs the Redis write off it and answers 204.
   * {@code parse} returns the write to run.
   */
  private void write(RoutingContext ctx, String kind, Supplier<Runnable> parse) {
    Runnable op;
    try {
      op = parse.get();
    } catch (BadRequest e) {
      error(ctx, e.status, e.code, e.getMessage());
      return;
    }
    blocking(ctx, () -> {
      op.run();
      return null;
    }, ignored -> {
      metrics.request(kind);
      ctx.response().setStatusCode(204).end();
    });
  }

  private <T> void blocking(RoutingContext ctx, Callable<T> op, java.util.function.Consumer<T> reply) {
    vertx.executeBlocking(op, false).onComplete(ar -> {
      if (ar.succeeded()) {
        reply.accept(ar.result());
      } else {
        LOG.warn("Redis call for {} failed: {}", ctx.request().path(), ar.cause().toString());
        error(ctx, 503, "store_unavailable", "the registry (Redis) is unreachable");
      }
    });
  }

  private static JsonObject workersJson(List<WorkerRecord> workers) {
    JsonArray arr = new JsonArray();
    for (WorkerRecord w : workers) {
      JsonObject o = new JsonObject().put("worker", w.worker());
      if (w.lastHeartbeatMs().isPresent()) {
        o.put("last_heartbeat", Instant.ofEpochMilli(w.lastHeartbeatMs().getAsLong()).toString());
        o.put("last_heartbeat_ms", w.lastHeartbeatMs().getAsLong());
      } else {
        o.putNull("last_heartbeat");
      }
      o.put("frontends", new JsonArray(w.frontends().stream().sorted().toList()));
      arr.add(o);
    }
    return new JsonObject().put("workers", arr);
  }

  private static void error(RoutingContext ctx, int status, String code, String message) {
    ErrorReply.send(ctx, status, code, message);
  }
}
