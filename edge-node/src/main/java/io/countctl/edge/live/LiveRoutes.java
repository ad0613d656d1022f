package io.countctl.edge.live;

import io.countctl.core.key.CounterKey;
import io.countctl.core.ops.ErrorReply;
import io.countctl.edge.http.BadRequest;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Live counts: SSE streams for clients, and the internal endpoints workers and the downtime
 * handler call ({@code /internal/*}: the shared secret in {@code X-Count-Secret}, or from loopback
 * only when no secret is configured).
 */
public final class LiveRoutes {
  public static final String SECRET_HEADER = "X-Count-Secret";

  private final LiveHub hub;
  private final String secret;
  private final int maxStreamCounters;

  public LiveRoutes(LiveHub hub, String secret, int maxStreamCounters) {
    this.hub = hub;
    this.secret = secret;
    this.maxStreamCounters = maxStreamCounters;
  }

  public void mount(Router router, BodyHandler body) {
    router.get("/v1/stream").handler(ctx -> guard(ctx, () -> stream(ctx, parseList(ctx.queryParam("counters")))));
    router.get("/v1/:id/:counter/stream").handler(ctx -> guard(ctx, () -> stream(ctx, List.of(key(ctx.pathParam("id"), ctx.pathParam("counter"))))));
    router.post("/internal/*").handler(this::authorize);
    router.post("/internal/totals").handler(body).handler(ctx -> guard(ctx, () -> totals(ctx)));
    router.post("/internal/resubscribe").handler(ctx -> {
      hub.resubscribeAll();
      ctx.response().setStatusCode(204).end();
    });
  }

  private static void guard(RoutingContext ctx, Runnable r) {
    try {
      r.run();
    } catch (BadRequest e) {
      ErrorReply.send(ctx, e.status(), e.code(), e.getMessage());
    }
  }

  private void authorize(RoutingContext ctx) {
    boolean ok = secret.isEmpty()
        ? isLoopback(ctx.request().remoteAddress().host())
        : secret.equals(ctx.request().getHeader(SECRET_HEADER));
    if (ok) {
      ctx.next();
    } else {
      ErrorReply.send(ctx, 401, "unauthorized", "internal endpoint: send the shared secret in " + SECRET_HEADER);
    }
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private List<CounterKey> parseList(List<String> params) {
    Set<CounterKey> keys = new LinkedHashSet<>();
    for (String p : params) {
      for (String part : p.split(",")) {
        if (!part.isBlank()) {
          try {
            keys.add(CounterKey.parse(part.trim()));
          } catch (IllegalArgumentException e) {
            throw new BadRequest("invalid_key", "counters: " + e.getMessage());
          }
        }
      }
    }
    if (keys.isEmpty() || keys.size() > maxStreamCounters) {
      throw new BadRequest("invalid_counters", "counters must list 1 to " + maxStreamCounters + " <id>/<counter> separated by commas");
    }
    return new ArrayList<>(keys);
  }

  private static CounterKey key(String id, String counter) {
    try {
      return new CounterKey(id, counter);
    } catch (IllegalArgumentException e) {
      throw new BadRequest("invalid_key", e.getMessage());
    }
  }

  /**
   * Opens the stream, registers its counters, then sends each counter's current value — only the
   * ones newer than what a reconnecting client says it has in {@code Last-Event-ID}.
   */
  private void stream(RoutingContext ctx, List<CounterKey> keys) {
    HttpServerResponse r = ctx.response();
    r.setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("Content-Encoding", "identity") // gzip would hold events back in its buffer
        .putHeader("X-Accel-Buffering", "no");
    Context loop = Vertx.currentContext();
    SseConnection[] self = new SseConnection[1];
    SseConnection c = new SseConnection(r, loop, keys, () -> hub.unregister(self[0]));
    self[0] = c;
    // Every way the stream can end leads to SseConnection.finish, which unregisters once.
    r.closeHandler(v -> c.closed());
    r.exceptionHandler(e -> c.closed());
    r.write("retry: 2000\n\n");
    String lastId = ctx.request().getHeader("Last-Event-ID");
    if (lastId != null && !lastId.isBlank()) {
      var has = SseConnection.parseId(lastId, keys.size());
      if (has.isPresent()) {
        c.resumeFrom(has.get());
      } else {
        c.reset("Last-Event-ID '" + lastId + "' is not from this stream: starting over with current values");
      }
    }
    hub.register(c);
    hub.sendCurrent(c);
  }

  /** {@code {"changes":[{"id":…,"counter":…,"p":…,"n":…,"t":…}, …]}} from a worker's fan-out. */
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
    for (int i = 0; i < changes.size(); i++) {
      JsonObject c = changes.getJsonObject(i);
      CounterKey key = key(c.getString("id"), c.getString("counter"));
      hub.publish(new CountEvent(key, c.getLong("p") - c.getLong("n"), c.getLong("t", 0L), c.getLong("v", 0L)));
    }
    ctx.response().setStatusCode(204).end();
  }
}
