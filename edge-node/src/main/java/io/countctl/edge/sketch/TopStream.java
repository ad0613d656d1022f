package io.countctl.edge.sketch;

import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;

/**
 * One client's {@code /top/stream}: lives on the event loop of its HTTP connection (every method
 * runs there). A list not newer than the one last sent is dropped, so a stream never steps back;
 * a client that does not read fast enough to keep Netty's write queue below its limit is dropped,
 * not buffered for (as {@code live.SseConnection} does).
 */
final class TopStream {
  private final HttpServerResponse response;
  private final Context context;
  private final TopQuery query;
  private final Runnable onEnd;
  private long lastId;
  private boolean closed;

  TopStream(HttpServerResponse response, Context context, TopQuery query, Runnable onEnd) {
    this.response = response;
    this.context = context;
    this.query = query;
    this.onEnd = onEnd;
  }

  TopQuery query() {
    return query;
  }

  Context context() {
    return context;
  }

  /** Sends a list unless this stream sent it (or a newer one) already. */
  void send(TopList list) {
    if (closed || list.id() <= lastId) {
      return;
    }
    if (response.writeQueueFull()) {
      drop();
      return;
    }
    lastId = list.id();
    response.write("id: " + list.id() + "\nevent: top\ndata: " + list.data() + "\n\n");
  }

  void heartbeat() {
    if (!closed && !response.writeQueueFull()) {
      response.write(": heartbeat\n\n");
    }
  }

  /** Ends the stream gracefully (edge shutdown). */
  void end() {
    if (finish() && !response.ended() && !response.closed()) {
      response.end();
    }
  }

  private void drop() {
    if (finish() && !response.closed()) {
      response.reset();
    }
  }

  /** The client went away or the connection failed. */
  void closed() {
    finish();
  }

  private boolean finish() {
    if (closed) {
      return false;
    }
    closed = true;
    onEnd.run();
    return true;
  }
}
