package io.countctl.edge.http;

import io.countctl.core.key.CounterKey;
import io.countctl.core.ops.ErrorReply;
import io.countctl.edge.live.CountEvent;
import io.countctl.edge.live.LiveHub;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The edge's internal endpoints, served on their own port ({@code COUNT_INTERNAL_PORT}), never on
 * the public one: {@code POST /internal/totals} (a worker's fan-out of changed counters) and
 * {@code POST /internal/resubscribe} (the downtime handler, after a worker died). Every call must
 * carry the shared secret in {@code X-Count-Secret}, compared in constant time; with no secret
 * configured every call is refused, so nothing here is open by accident.
 */
public final class InternalRoutes {
  public static final String SECRET_HEADER = "X-Count-Secret";

  private final LiveHub hub;
  private final byte[] secret;
  private final int maxBodyBytes;

  public InternalRoutes(LiveHub hub, String secret, int maxBodyBytes) {
    this.hub = hub;
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.maxBodyBytes = maxBodyBytes;
  }

  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    router.route().failureHandler(MalformedRequests::failure);
    router.route().handler(this::authorize);
    router.post("/internal/totals").handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
        .handler(ctx -> {
          try {
            totals(ctx);
          } catch (BadRequest e) {
            ErrorReply.send(ctx, e.status(), e.code(), e.getMessage());
          }
        });
    router.post("/internal/resubscribe").handler(ctx -> {
      hub.resubscribeAll();
      ctx.response().setStatusCode(204).end();
    });
    router.errorHandler(404, ctx -> ErrorReply.send(ctx, 404, "not_found", "no internal route " + ctx.request().path()));
    router.errorHandler(405, ctx -> ErrorReply.send(ctx, 405, "method_not_allowed", "internal routes take POST"));
    router.errorHandler(413, ctx -> ErrorReply.send(ctx, 413, "body_too_large",
        "internal request bodies are limited to " + maxBodyBytes + " bytes"));
    router.errorHandler(400, ctx -> ErrorReply.send(ctx, 400, "bad_request", "the request could not be read"));
    return router;
  }

  /** Before anything else, on every path: an unknown caller learns nothing about the routes. */
  private void authorize(RoutingContext ctx) {
    String given = ctx.request().getHeader(SECRET_HEADER);
    if (secret.length > 0 && given != null && MessageDigest.isEqual(secret, given.getBytes(StandardCharsets.UTF_8))) {
      ctx.next();
    } else {
      ErrorReply.send(ctx, 401, "unauthorized", secret.length == 0
          ? "this edge has no COUNT_INTERNAL_SECRET configured, so its internal endpoints refuse every call"
          : "internal endpoint: send the shared secret in " + SECRET_HEADER);
    }
  }

  /** {@code {"changes":[{"id":…,"counter":…,"p":…,"n":…,"t":…,"v":…}, …]}}, checked whole before any is published. */
  private void totals(RoutingContext ctx) {
    JsonObject json;
    try {
      json = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      throw new BadRequest("malformed_json", "expected {\"changes\": [...]}");
    }
    if (json == null || !(json.getValue("changes") instanceof JsonArray changes)) {
      throw new BadRequest("malformed_json", "expected {\"changes\": [...]}");
    }
    CountEvent[] events = new CountEvent[changes.size()];
    for (int i = 0; i < changes.size(); i++) {
      if (!(changes.getValue(i) instanceof JsonObject c)
          || !(c.getValue("p") instanceof Number p) || !(c.getValue("n") instanceof Number n)) {
        throw new BadRequest("malformed_json", "changes[" + i + "] must be an object with numbers p and n");
      }
      CounterKey key;
      try {
        key = new CounterKey(c.getString("id"), c.getString("counter"));
      } catch (RuntimeException e) {
        throw new BadRequest("invalid_key", "changes[" + i + "]: " + e.getMessage());
      }
      events[i] = new CountEvent(key, p.longValue() - n.longValue(), number(c, "t"), number(c, "v"));
    }
    for (CountEvent e : events) {
      hub.publish(e);
    }
    ctx.response().setStatusCode(204).end();
  }

  private static long number(JsonObject c, String field) {
    return c.getValue(field) instanceof Number v ? v.longValue() : 0L;
  }
}
