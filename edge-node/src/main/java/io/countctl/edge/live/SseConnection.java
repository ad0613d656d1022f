package io.countctl.edge.live;

import io.countctl.core.key.CounterKey;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One client's Server-Sent Events stream, for one or many counters. Lives on the event loop of its
 * HTTP connection: every method runs there. Changes are coalesced: a counter that changes many
 * times within one tick is sent once, with its latest value. A value whose version is not newer
 * than the one last sent for its counter is dropped, so a stream never steps back. A client that
 * does not read fast enough to keep Netty's write queue below its limit is dropped, not buffered
 * for.
 *
 * <p>The SSE {@code id:} is the versions last sent, one per counter in the stream's order, joined
 * by '.' (empty: nothing sent yet), so {@code Last-Event-ID} tells any edge, also after a restart,
 * exactly what the client has.
 */
final class SseConnection {
  private final HttpServerResponse response;
  private final Context context;
  private final List<CounterKey> keys;
  private final Map<CounterKey, Integer> index = new HashMap<>();
  /** Version last sent per counter (by index), -1 for none. */
  private final long[] sent;
  /** Where {@link #sent} is only what the client claimed ({@code Last-Event-ID}): nothing sent since. */
  private final boolean[] claimed;
  private final Map<CounterKey, CountEvent> dirty = new LinkedHashMap<>();
  private final Runnable onEnd;
  private boolean closed;
  private boolean flushArmed;

  SseConnection(HttpServerResponse response, Context context, List<CounterKey> keys, Runnable onEnd) {
    this.response = response;
    this.context = context;
    this.keys = List.copyOf(keys);
    for (int i = 0; i < this.keys.size(); i++) {
      index.put(this.keys.get(i), i);
    }
    this.sent = new long[this.keys.size()];
    this.claimed = new boolean[this.keys.size()];
    Arrays.fill(sent, -1);
    this.onEnd = onEnd;
  }

  List<CounterKey> keys() {
    return keys;
  }

  Context context() {
    return context;
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * Takes what a client says it has ({@code Last-Event-ID}): versions per counter. Empty when the
   * id is not one this stream's shape could have sent (then the stream starts over).
   */
  static Optional<long[]> parseId(String id, int counters) {
    String[] parts = id.trim().split("\\.", -1);
    if (parts.length != counters) {
      return Optional.empty();
    }
    long[] out = new long[counters];
    try {
      for (int i = 0; i < counters; i++) {
        out[i] = parts[i].isEmpty() ? -1 : Long.parseLong(parts[i]);
        if (out[i] < -1) {
          return Optional.empty();
        }
      }
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    return Optional.of(out);
  }

  /** Resumes from what the client has: only newer values will be sent. */
  void resumeFrom(long[] versions) {
    System.arraycopy(versions, 0, sent, 0, sent.length);
    for (int i = 0; i < sent.length; i++) {
      claimed[i] = sent[i] >= 0;
    }
  }

  /** Tells the client plainly that it starts over (then current values follow). */
  void reset(String reason) {
    Arrays.fill(sent, -1);
    Arrays.fill(claimed, false);
    dirty.clear();
    if (!closed) {
      response.write("event: reset\ndata: " + new JsonObject().put("reason", reason).encode() + "\n\n");
    }
  }

  /**
   * A counter's current value on connect: like {@link #offer}, except that a value older than what
   * a resuming client has means the store started over, which the client is told. Older than what
   * this stream itself has sent since it opened is something else: the current value was read
   * before a push that overtook it, and is simply dropped (else the stream would show the older
   * value and stay on it).
   */
  void offerCurrent(CountEvent event) {
    Integer i = index.get(event.key());
    if (i != null && claimed[i] && event.version() < sent[i]) {
      if (!closed) {
        response.write("event: reset\ndata: " + new JsonObject().put("reason",
            event.key() + ": the store holds an older version than the client has; starting over").encode() + "\n\n");
      }
      sent[i] = -1;
    }
    offer(event);
  }

  /** Notes a new value; sent at the next {@link #flush} unless not newer than what was sent. */
  void offer(CountEvent event) {
    Integer i = index.get(event.key());
    if (closed || i == null || event.version() <= sent[i]) {
      return;
    }
    dirty.merge(event.key(), event, (old, now) -> now.version() >= old.version() ? now : old);
  }

  /** Arms a one-shot timer that flushes after the coalescing window, unless one is armed already. */
  void scheduleFlush(Vertx vertx, long delayMs) {
    if (!flushArmed && !closed) {
      flushArmed = true;
      vertx.setTimer(delayMs, id -> {
        flushArmed = false;
        flush();
      });
    }
  }

  /** Sends what changed since the last tick, or drops the client if it cannot keep up. */
  void flush() {
    if (closed || dirty.isEmpty()) {
      return;
    }
    if (response.writeQueueFull()) {
      drop(); // slow reader: dropping it bounds memory; its EventSource reconnects and resumes
      return;
    }
    StringBuilder out = new StringBuilder();
    for (CountEvent e : dirty.values()) {
      int i = index.get(e.key());
      if (e.version() <= sent[i]) {
        continue;
      }
      sent[i] = e.version();
      claimed[i] = false;
      out.append("event: count\n").append("data: ").append(e.json().encode()).append("\n\n");
    }
    dirty.clear();
    if (!out.isEmpty()) {
      // One id for the whole tick, on its last event: it covers every counter's version.
      int last = out.lastIndexOf("event: count\n");
      out.insert(last, "id: " + id() + "\n");
      response.write(out.toString());
    }
  }

  String id() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < sent.length; i++) {
      if (i > 0) {
        b.append('.');
      }
      if (sent[i] >= 0) {
        b.append(sent[i]);
      }
    }
    return b.toString();
  }

  void heartbeat() {
    if (!closed && !response.writeQueueFull()) {
      response.write(": heartbeat\n\n");
    }
  }

  /** Ends the stream gracefully (edge shutdown). */
  void end() {
    if (finish()) {
      if (!response.ended() && !response.closed()) {
        response.end();
      }
    }
  }

  /** Drops a client that does not keep up: the TCP connection goes, and so does the watcher. */
  void drop() {
    if (finish()) {
      if (!response.closed()) {
        response.reset(); // HTTP/1.x: closes the connection; HTTP/2: resets only this stream
      }
    }
  }

  /** The client went away (close handler) or the connection failed. */
  void closed() {
    finish();
  }

  /** Marks the stream over and unregisters it, once, however it ended. */
  private boolean finish() {
    if (closed) {
      return false;
    }
    closed = true;
    dirty.clear();
    onEnd.run();
    return true;
  }
}
