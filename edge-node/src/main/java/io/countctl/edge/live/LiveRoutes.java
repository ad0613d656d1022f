package io.countctl.edge.live;

import io.countctl.core.key.CounterKey;
import io.countctl.core.ops.ErrorReply;
import io.countctl.edge.http.BadRequest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Live counts: SSE streams for clients. (What workers and the downtime handler call is on the
 * internal port: {@link io.countctl.edge.http.InternalRoutes}.)
 */
public final class LiveRoutes {
  private final LiveHub hub;
  private final int maxStreamCounters;

  public LiveRoutes(LiveHub hub, int maxStreamCounters) {
    this.hub = hub;
    this.maxStreamCounters = maxStreamCounters;
  }

  public void mount(Router router) {
    router.get("/v1/stream").handler(ctx -> guard(ctx, () -> stream(ctx, parseList(ctx.queryParam("counters")))));
    router.get("/v1/:id/:counter/stream").handler(ctx -> guard(ctx, () -> stream(ctx, List.of(key(ctx.pathParam("id"), ctx.pathParam("counter"))))));
  }

  private static void guard(RoutingContext ctx, Runnable r) {
    try {
      r.run();
    } catch (BadRequest e) {
      ErrorReply.send(ctx, e.status(), e.code(), e.getMessage());
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
    SseConnection[] self = new SseConnection[1];
    SseConnection c = new SseConnection(r, hub.loopOf(Vertx.currentContext()), keys, () -> hub.unregister(self[0]));
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
}
