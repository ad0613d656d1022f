package io.countctl.edge.live;

import io.countctl.core.key.CounterKey;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The SSE streams of one event loop, and what they share: one coalescing timer for the whole loop
 * (not one per stream) and one task per pushed change (not one per watcher). Every method but
 * {@link #run} runs on the loop's own thread, so nothing here is locked.
 */
final class LoopFanout {
  private final Vertx vertx;
  private final Context context;
  private final long coalesceMs;
  private final Set<SseConnection> streams = new HashSet<>();
  /** This loop's streams by counter watched. */
  private final HashMap<CounterKey, Set<SseConnection>> byCounter = new HashMap<>();
  /** Streams with a change not sent yet, each once. */
  private final List<SseConnection> pending = new ArrayList<>();
  private boolean armed;

  LoopFanout(Vertx vertx, Context context, long coalesceMs) {
    this.vertx = vertx;
    this.context = context;
    this.coalesceMs = coalesceMs;
  }

  /** Runs {@code task} on this loop (from any thread). */
  void run(Runnable task) {
    context.runOnContext(v -> task.run());
  }

  void add(SseConnection c) {
    streams.add(c);
    for (CounterKey k : c.keys()) {
      byCounter.computeIfAbsent(k, x -> new HashSet<>(4)).add(c);
    }
  }

  void remove(SseConnection c) {
    streams.remove(c);
    for (CounterKey k : c.keys()) {
      Set<SseConnection> set = byCounter.get(k);
      if (set != null && set.remove(c) && set.isEmpty()) {
        byCounter.remove(k);
      }
    }
  }

  boolean watches(CounterKey key) {
    return byCounter.containsKey(key);
  }

  /** A pushed change: each of this loop's watchers of its counter sends it with the next tick. */
  void offer(CountEvent event) {
    Set<SseConnection> set = byCounter.get(event.key());
    if (set == null) {
      return;
    }
    for (SseConnection c : set) {
      c.offer(event);
      changed(c);
    }
  }

  void forEach(Consumer<SseConnection> action) {
    for (SseConnection c : List.copyOf(streams)) {
      action.accept(c);
    }
  }

  /** {@code c} has a change to send: it goes out with the loop's next tick. */
  void changed(SseConnection c) {
    if (!c.hasPending() || c.queued) {
      return;
    }
    c.queued = true;
    pending.add(c);
    if (!armed) {
      armed = true;
      vertx.setTimer(coalesceMs, id -> tick());
    }
  }

  private void tick() {
    armed = false;
    List<SseConnection> due = new ArrayList<>(pending);
    pending.clear();
    for (SseConnection c : due) {
      c.queued = false;
      c.flush();
    }
  }
}
