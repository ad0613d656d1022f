package io.countctl.edge.http;

import io.countctl.core.ops.ErrorReply;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.function.IntSupplier;

/**
 * Runs before every SSE route: past the edge's stream cap a new stream gets {@code 503} +
 * {@code Retry-After}; a connection opening streams faster than its per-minute allowance gets
 * {@code 429} + {@code Retry-After} (each open and close is a subscription change published to
 * Kafka, and HTTP/2 lets one connection open and reset streams at will).
 */
public final class StreamGate implements Handler<RoutingContext> {
  private final ConnectionGate connections;
  private final IntSupplier openStreams;
  private final int maxStreams;

  public StreamGate(ConnectionGate connections, IntSupplier openStreams, int maxStreams) {
    this.connections = connections;
    this.openStreams = openStreams;
    this.maxStreams = maxStreams;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (openStreams.getAsInt() >= maxStreams) {
      ErrorReply.send(ctx, 503, "too_many_streams",
          "this edge holds " + maxStreams + " streams at most; retry later or on another edge");
    } else if (!connections.mayOpenStream(ctx.request())) {
      ErrorReply.send(ctx, 429, "too_many_stream_opens",
          "this connection opened streams too often; keep one stream open for many counters (/v1/stream?counters=…)");
    } else {
      ctx.next();
    }
  }
}
