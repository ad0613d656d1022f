package io.countctl.edge.live;

import io.countctl.core.key.CounterKey;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client's Server-Sent Events stream, for one or many counters. Lives on the event loop of its
 * HTTP connection: every method runs there. Changes are coalesced: a counter that changes many
 * times within one tick is sent once, with its latest value. A client that does not read fast
 * enough to keep Netty's write queue below its limit is dropped, not buffered for.
 */
final class SseConnection {
  private final HttpServerResponse response;
  private final Context context;
  private final List<CounterKey> keys;
  private final AtomicLong eventIds;
  private final Map<CounterKey, CountEvent> dirty = new LinkedHashMap<>();
  private final Map<CounterKey, Long> lastSent = new java.util.HashMap<>();
  private boolean closed;
  private boolean flushArmed;

  SseConnection(HttpServerResponse response, Context context, List<CounterKey> keys, AtomicLong eventIds) {
    this.response = response;
    this.context = context;
    this.keys = List.copyOf(keys);
    this.eventIds = eventIds;
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

  /** Notes a new value; sent at the next {@link #flush}. Call on {@link #context()}. */
  void offer(CountEvent event) {
    if (!closed) {
      dirty.put(event.key(), event);
    }
  }

  /** Arms a one-shot timer that flushes after the coalescing window, unless one is armed already. */
  void scheduleFlush(io.vertx.core.Vertx vertx, long delayMs) {
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
      close(); // slow reader: dropping it bounds memory; its EventSource will reconnect and resume
      return;
    }
    StringBuilder out = new StringBuilder();
    for (CountEvent e : dirty.values()) {
      Long previous = lastSent.put(e.key(), e.count());
      if (previous != null && previous == e.count()) {
        continue; // nothing new for this client
      }
      out.append("id: ").append(eventIds.incrementAndGet()).append('\n')
          .append("event: count\n")
          .append("data: ").append(e.json().encode()).append("\n\n");
    }
    dirty.clear();
    if (!out.isEmpty()) {
      response.write(out.toString());
    }
  }

  void heartbeat() {
    if (!closed && !response.writeQueueFull()) {
      response.write(": heartbeat\n\n");
    }
  }

  void close() {
    if (!closed) {
      closed = true;
      if (!response.ended() && !response.closed()) {
        response.end();
      }
    }
  }

  void markClosed() {
    closed = true;
  }
}
