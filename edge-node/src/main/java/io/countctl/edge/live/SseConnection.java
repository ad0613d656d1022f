package io.countctl.edge.live;

import io.countctl.core.key.CounterKey;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
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
 *
 * <p>Kept small on purpose (an edge holds 100 000 of these, bench/RESULTS.md "SSE: memory and
 * latency"): the counters are an array searched in order (at most COUNT_SSE_MAX_COUNTERS, mostly
 * one), and what changed since the last tick sits in an array by counter, made on the first
 * change, instead of a per-stream HashMap and LinkedHashMap.
 */
final class SseConnection {
  private final HttpServerResponse response;
  private final LoopFanout loop;
  private final CounterKey[] keys;
  /** Version last sent per counter (by index), -1 for none. */
  private final long[] sent;
  /** Where {@link #sent} is only what the client claimed ({@code Last-Event-ID}): nothing sent since. */
  private final boolean[] claimed;
  /** Newest value not sent yet per counter (by index); null until the first change. */
  private CountEvent[] dirty;
  private int dirtyCount;
  private final Runnable onEnd;
  private boolean closed;
  /** In its loop's list of streams to flush at the next tick ({@link LoopFanout}). */
  boolean queued;
  /** Counted in the hub (between {@link LiveHub#register} and {@link LiveHub#unregister}). */
  boolean registered;

  SseConnection(HttpServerResponse response, LoopFanout loop, List<CounterKey> keys, Runnable onEnd) {
    this.response = response;
    this.loop = loop;
    this.keys = keys.toArray(CounterKey[]::new);
    this.sent = new long[this.keys.length];
    this.claimed = new boolean[this.keys.length];
    Arrays.fill(sent, -1);
    this.onEnd = onEnd;
  }

  List<CounterKey> keys() {
    return Arrays.asList(keys);
  }

  /** The counter's position in this stream, -1 if it is not on it. */
  private int indexOf(CounterKey key) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  private void clearDirty() {
    if (dirty != null && dirtyCount > 0) {
      Arrays.fill(dirty, null);
    }
    dirtyCount = 0;
  }

  LoopFanout loop() {
    return loop;
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
    clearDirty();
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
    int i = indexOf(event.key());
    if (i >= 0 && claimed[i] && event.version() < sent[i]) {
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
    int i = indexOf(event.key());
    if (closed || i < 0 || event.version() <= sent[i]) {
      return;
    }
    if (dirty == null) {
      dirty = new CountEvent[keys.length];
    }
    CountEvent old = dirty[i];
    if (old == null) {
      dirtyCount++;
      dirty[i] = event;
    } else if (event.version() >= old.version()) {
      dirty[i] = event;
    }
  }

  /** Whether a change waits for the next {@link #flush}. */
  boolean hasPending() {
    return dirtyCount > 0 && !closed;
  }

  /** Sends what changed with its loop's next tick (one timer per event loop, not per stream). */
  void scheduleFlush() {
    loop.changed(this);
  }

  /** Sends what changed since the last tick, or drops the client if it cannot keep up. */
  void flush() {
    if (closed || dirtyCount == 0) {
      return;
    }
    if (response.writeQueueFull()) {
      drop(); // slow reader: dropping it bounds memory; its EventSource reconnects and resumes
      return;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < dirty.length; i++) {
      CountEvent e = dirty[i];
      if (e == null || e.version() <= sent[i]) {
        continue;
      }
      sent[i] = e.version();
      claimed[i] = false;
      out.append("event: count\n").append("data: ").append(e.encoded()).append("\n\n");
    }
    clearDirty();
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
    clearDirty();
    onEnd.run();
    return true;
  }
}
