package io.countctl.edge.live;

import io.countctl.core.key.CounterKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which SSE connections watch which counters on this edge. The first watcher of a counter
 * subscribes this edge to it through Kafka, the last one leaving unsubscribes; changes pushed by
 * the workers are handed to each watching connection on its own event loop.
 */
public final class LiveHub {
  private final Vertx vertx;
  private final SubscriptionPublisher subscriptions;
  private final long coalesceMs;
  private final ConcurrentHashMap<CounterKey, Set<SseConnection>> watchers = new ConcurrentHashMap<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final Counter events;

  public LiveHub(Vertx vertx, SubscriptionPublisher subscriptions, long coalesceMs, long heartbeatMs, MeterRegistry metrics) {
    this.vertx = vertx;
    this.subscriptions = subscriptions;
    this.coalesceMs = coalesceMs;
    this.events = metrics.counter("count_edge_live_changes_total");
    Gauge.builder("count_edge_sse_connections", connections, AtomicInteger::get).register(metrics);
    Gauge.builder("count_edge_watched_counters", watchers, ConcurrentHashMap::size).register(metrics);
    vertx.setPeriodic(heartbeatMs, id -> eachConnection(SseConnection::heartbeat));
  }

  void register(SseConnection c) {
    connections.incrementAndGet();
    for (CounterKey key : c.keys()) {
      boolean[] first = {false};
      watchers.compute(key, (k, set) -> {
        if (set == null) {
          set = ConcurrentHashMap.newKeySet();
          first[0] = true;
        }
        set.add(c);
        return set;
      });
      if (first[0]) {
        subscriptions.subscribe(key);
      }
    }
  }

  void unregister(SseConnection c) {
    connections.decrementAndGet();
    for (CounterKey key : c.keys()) {
      boolean[] last = {false};
      watchers.computeIfPresent(key, (k, set) -> {
        set.remove(c);
        last[0] = set.isEmpty();
        return set.isEmpty() ? null : set;
      });
      if (last[0]) {
        subscriptions.unsubscribe(key);
      }
    }
  }

  /** A counter changed: every connection watching it sends the new value within the coalescing window. */
  public void publish(CountEvent event) {
    Set<SseConnection> set = watchers.get(event.key());
    if (set == null) {
      return;
    }
    events.increment();
    for (SseConnection c : set) {
      deliver(c, event);
    }
  }

  /** Hands an event to a connection on its own event loop, and arms its flush timer. */
  void deliver(SseConnection c, CountEvent event) {
    c.context().runOnContext(v -> {
      c.offer(event);
      c.scheduleFlush(vertx, coalesceMs);
    });
  }

  /** A worker died: send every subscription again so its successor learns them. */
  public void resubscribeAll() {
    subscriptions.subscribeAll(Set.copyOf(watchers.keySet()));
  }

  public int watchedCounters() {
    return watchers.size();
  }

  private void eachConnection(java.util.function.Consumer<SseConnection> action) {
    Set<SseConnection> seen = ConcurrentHashMap.newKeySet();
    watchers.values().forEach(set -> set.forEach(c -> {
      if (seen.add(c)) {
        c.context().runOnContext(v -> action.accept(c));
      }
    }));
  }
}
