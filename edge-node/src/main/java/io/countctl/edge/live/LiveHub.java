package io.countctl.edge.live;

import io.countctl.core.key.CounterKey;
import io.countctl.edge.read.CountView;
import io.countctl.edge.read.TotalsCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which SSE connections watch which counters on this edge. The first watcher of a counter
 * subscribes this edge to it through Kafka, the last one leaving unsubscribes; changes pushed by
 * the workers are handed to each watching connection on its own event loop.
 *
 * <p>Streams are monotone. Pushed values are Redis states with the counter's version; the newest
 * known per counter is kept, and anything not newer is dropped. The one complication is the edge's
 * own writes not applied yet: a stream opens with the edge's read-your-writes view (Redis plus
 * this edge's pending and in-flight writes), and a later pushed Redis state may not contain those
 * writes yet. So a counter whose view was shown with local writes is <em>provisional</em>: pushed
 * states of it are not sent as they are, each one instead triggers a new Redis snapshot from which
 * the view is computed again (snapshot offsets say exactly which of this edge's batches it holds).
 * Once a snapshot shows no local part, the counter leaves that state and pushed values flow again.
 *
 * <p>Streams are grouped by event loop ({@link LoopFanout}): a pushed change is one task per loop,
 * which hands it to that loop's watchers of the counter, and each loop has one coalescing timer.
 * Here only the number of watchers per counter is kept (for the subscriptions).
 */
public final class LiveHub implements AutoCloseable {
  private final Vertx vertx;
  private final SubscriptionPublisher subscriptions;
  private final TotalsCache cache;
  private final CountView view;
  private final long coalesceMs;
  /** Watchers per counter watched on this edge, over all loops. */
  private final ConcurrentHashMap<CounterKey, Integer> watchers = new ConcurrentHashMap<>();
  /** One per event loop that has had a stream. */
  private final ConcurrentHashMap<Object, LoopFanout> loops = new ConcurrentHashMap<>();
  private final AtomicInteger connections = new AtomicInteger();
  /** Newest known value per counter subscribed (or being unsubscribed) on this edge. */
  private final ConcurrentHashMap<CounterKey, CountEvent> latest = new ConcurrentHashMap<>();
  /** Counters whose shown value included this edge's unapplied writes (see class comment). */
  private final Set<CounterKey> provisional = ConcurrentHashMap.newKeySet();
  /** Snapshot refreshes running (value: another is wanted after it). */
  private final ConcurrentHashMap<CounterKey, Boolean> refreshing = new ConcurrentHashMap<>();
  private final AtomicInteger watcherCount = new AtomicInteger();
  private final Counter events;
  private final Counter stale;

  public LiveHub(Vertx vertx, SubscriptionPublisher subscriptions, TotalsCache cache, CountView view, long coalesceMs,
      long heartbeatMs, long leaseMs, MeterRegistry metrics) {
    this.vertx = vertx;
    this.subscriptions = subscriptions;
    this.cache = cache;
    this.view = view;
    this.coalesceMs = coalesceMs;
    this.events = Counter.builder("count_edge_live_changes_total")
        .description("count changes pushed to SSE watchers").register(metrics);
    this.stale = Counter.builder("count_edge_live_stale_changes_total")
        .description("count changes dropped because a newer value had already been pushed").register(metrics);
    Gauge.builder("count_edge_sse_connections", connections, AtomicInteger::get)
        .description("open SSE connections (/stream)").register(metrics);
    Gauge.builder("count_edge_sse_watchers", watcherCount, AtomicInteger::get)
        .description("counter subscriptions held by open SSE connections").register(metrics);
    Gauge.builder("count_edge_watched_counters", watchers, ConcurrentHashMap::size)
        .description("distinct counters watched over SSE on this edge").register(metrics);
    vertx.setPeriodic(heartbeatMs, id -> eachLoop(loop -> loop.forEach(SseConnection::heartbeat)));
    subscriptions.start(watchers::containsKey, this::unsubscribed, () -> List.copyOf(watchers.keySet()), leaseMs);
  }

  /**
   * The streams of the event loop {@code context} runs on (a request's context is a duplicate of
   * its server's: the loop, not the context object, is what they share).
   */
  LoopFanout loopOf(Context context) {
    ContextInternal c = (ContextInternal) context;
    return loops.computeIfAbsent(c.nettyEventLoop(), k -> new LoopFanout(vertx, c.unwrap(), coalesceMs));
  }

  /** On the stream's own loop. */
  void register(SseConnection c) {
    if (c.registered) {
      return;
    }
    c.registered = true;
    connections.incrementAndGet();
    c.loop().add(c);
    for (CounterKey key : c.keys()) {
      boolean[] first = {false};
      watchers.compute(key, (k, n) -> {
        first[0] = n == null;
        return n == null ? 1 : n + 1;
      });
      watcherCount.incrementAndGet();
      if (first[0]) {
        subscriptions.changed(key);
      }
    }
  }

  /** Idempotent: every way a stream ends calls it; on the stream's own loop. */
  void unregister(SseConnection c) {
    if (!c.registered) {
      return;
    }
    c.registered = false;
    connections.decrementAndGet();
    c.loop().remove(c);
    for (CounterKey key : c.keys()) {
      boolean[] last = {false};
      watchers.computeIfPresent(key, (k, n) -> {
        last[0] = n <= 1;
        return n <= 1 ? null : n - 1;
      });
      watcherCount.decrementAndGet();
      if (last[0]) {
        subscriptions.changed(key);
      }
    }
  }

  /** The removal of a counter's subscription is in Kafka: forget its value unless watched again. */
  private void unsubscribed(CounterKey key) {
    if (!watchers.containsKey(key)) {
      latest.remove(key);
      provisional.remove(key);
    }
  }

  /** A worker pushed a counter's state. */
  public void publish(CountEvent event) {
    if (!watchers.containsKey(event.key()) && !latest.containsKey(event.key())) {
      return; // not (or no longer) subscribed here
    }
    events.increment();
    if (provisional.contains(event.key())) {
      refresh(event.key());
      return;
    }
    if (!remember(event)) {
      stale.increment();
      return;
    }
    deliverToAll(event, false);
  }

  /** Keeps {@code event} as the newest known value if it is newer; whether it was. */
  private boolean remember(CountEvent event) {
    CountEvent now = latest.merge(event.key(), event, (old, e) -> e.version() > old.version() ? e : old);
    return now == event;
  }

  /** One task per event loop, which hands the change to that loop's watchers of the counter. */
  private void deliverToAll(CountEvent event, boolean fromView) {
    if (!watchers.containsKey(event.key())) {
      return;
    }
    for (LoopFanout loop : loops.values()) {
      loop.run(() -> {
        if (!loop.watches(event.key())) {
          return;
        }
        if (!fromView && provisional.contains(event.key())) {
          refresh(event.key()); // became provisional after this was queued: the refresh shows it
          return;
        }
        loop.offer(event);
      });
    }
  }

  /**
   * Sends a new stream each counter's current value: the edge's view from a (cached) snapshot, or
   * the newest pushed value if that is newer and the counter is not provisional.
   */
  void sendCurrent(SseConnection c) {
    for (CounterKey key : c.keys()) {
      cache.fresh(key).whenComplete((entry, error) -> {
        if (entry == null) {
          return; // Redis unreachable: the stream gets the value with the next change or lease
        }
        view.seen(key, entry).thenAccept(seen -> {
          CountEvent current = new CountEvent(key, seen.globalCount(), seen.storedUpdatedAtMillis(), entry.stored().version());
          if (seen.hasLocal()) {
            provisional.add(key); // before delivering: pushed states queued after it must not overtake it
          } else if (!provisional.contains(key)) {
            remember(current);
            CountEvent known = latest.get(key);
            if (known != null && known.version() > current.version()) {
              current = known;
            }
          }
          CountEvent first = current;
          c.loop().run(() -> {
            c.offerCurrent(first);
            c.scheduleFlush();
          });
        });
      });
    }
  }

  /** A provisional counter changed: read Redis again and show the view from that snapshot. */
  private void refresh(CounterKey key) {
    if (refreshing.putIfAbsent(key, Boolean.FALSE) != null) {
      refreshing.put(key, Boolean.TRUE); // one more after the running one
      return;
    }
    cache.reload(key).whenComplete((entry, error) -> {
      java.util.concurrent.CompletableFuture<Void> shown = entry == null
          ? java.util.concurrent.CompletableFuture.completedFuture(null)
          : view.seen(key, entry).thenAccept(seen -> {
            CountEvent e = new CountEvent(key, seen.globalCount(), seen.storedUpdatedAtMillis(), entry.stored().version());
            if (!seen.hasLocal()) {
              provisional.remove(key);
              remember(e);
            }
            deliverToAll(e, true);
          });
      shown.whenComplete((v, e) -> {
        if (Boolean.TRUE.equals(refreshing.remove(key))) {
          refresh(key);
        }
      });
    });
  }

  /** A worker died: send every subscription again so its successor learns them. */
  public void resubscribeAll() {
    subscriptions.changed(List.copyOf(watchers.keySet()));
  }

  public int watchedCounters() {
    return watchers.size();
  }

  /** Open SSE connections on this edge. */
  public int connections() {
    return connections.get();
  }

  /** Ends every stream (edge shutdown): each unregisters, so the subscriptions are removed. */
  @Override
  public void close() {
    List<LoopFanout> all = List.copyOf(loops.values());
    java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(all.size());
    for (LoopFanout loop : all) {
      loop.run(() -> {
        loop.forEach(SseConnection::end);
        ended.countDown();
      });
    }
    try {
      ended.await(2, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void eachLoop(java.util.function.Consumer<LoopFanout> action) {
    for (LoopFanout loop : loops.values()) {
      loop.run(() -> action.accept(loop));
    }
  }
}
