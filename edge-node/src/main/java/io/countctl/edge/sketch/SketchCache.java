package io.countctl.edge.sketch;

import io.countctl.core.key.CounterKey;
import io.countctl.core.sketch.SketchOptions;
import io.countctl.core.sketch.SketchSettings;
import io.countctl.core.sketch.SketchWindow;
import io.countctl.core.sketch.TopBy;
import io.countctl.core.sketch.TopEntry;
import io.countctl.core.sketch.UniqueEstimate;
import io.countctl.core.store.SketchStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * The edge's cache of merged sketch estimates, like {@link io.countctl.edge.read.TotalsCache} for
 * counts: an entry (a counter's unique count, or its top-K list by user or item over one window)
 * is served while younger than the read cache's time-to-live; then one load, shared by every
 * request that needs it, merges the partitions' (and buckets') sketches from Redis on a blocking
 * thread. A top-K entry holds the counter's longest list (its topk), so every {@code k} shares it.
 */
public final class SketchCache {
  /** A unique count as merged from Redis, and when any part of it last changed (0: never). */
  public record UniqueRead(UniqueEstimate estimate, long updatedAtMillis) {}

  /** A counter's top {@code topk} values, heaviest first, and when any part last changed (0: never). */
  public record TopRead(List<TopEntry> top, long updatedAtMillis) {}

  /** What an entry is of: {@code by} and {@code window} are null for a unique count. */
  private record Key(CounterKey counter, TopBy by, SketchWindow window, boolean regionOnly) {}

  private record Entry(Object value, long fetchedNanos) {}

  private final SketchStore store;
  private final SketchSettings settings;
  private final ExecutorService blocking;
  private final long ttlNanos;
  private final int maxEntries;
  private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Key, CompletableFuture<Object>> loading = new ConcurrentHashMap<>();

  public SketchCache(SketchStore store, SketchSettings settings, ExecutorService blocking, Duration ttl, int maxEntries) {
    this.store = store;
    this.settings = settings;
    this.blocking = blocking;
    this.ttlNanos = ttl.toNanos();
    this.maxEntries = maxEntries;
  }

  public SketchSettings settings() {
    return settings;
  }

  public CompletableFuture<UniqueRead> unique(CounterKey key) {
    return unique(key, false);
  }

  /** @param regionOnly this region's partitions only, not what peer regions shipped */
  public CompletableFuture<UniqueRead> unique(CounterKey key, boolean regionOnly) {
    SketchOptions o = settings.of(key.counter());
    return fresh(new Key(key, null, null, regionOnly), () -> {
      var read = store.unique(key, o.lgK(), regionOnly);
      return new UniqueRead(read.sketch().estimate(), read.updatedAtMillis());
    }).thenApply(UniqueRead.class::cast);
  }

  /** The counter's top-K list over {@code window} ending now (only for counters with top-K on). */
  public CompletableFuture<TopRead> top(CounterKey key, TopBy by, SketchWindow window) {
    return top(key, by, window, false);
  }

  public CompletableFuture<TopRead> top(CounterKey key, TopBy by, SketchWindow window, boolean regionOnly) {
    SketchOptions o = settings.of(key.counter());
    return fresh(new Key(key, by, window, regionOnly), () -> {
      var read = store.top(key, by, window, System.currentTimeMillis(), o.mapSize(), regionOnly);
      return new TopRead(read.sketch().top(o.topK()), read.updatedAtMillis());
    }).thenApply(TopRead.class::cast);
  }

  private CompletableFuture<Object> fresh(Key key, Supplier<Object> load) {
    Entry e = entries.get(key);
    if (e != null && System.nanoTime() - e.fetchedNanos() < ttlNanos) {
      return CompletableFuture.completedFuture(e.value());
    }
    CompletableFuture<Object> mine = new CompletableFuture<>();
    CompletableFuture<Object> running = loading.putIfAbsent(key, mine);
    if (running != null) {
      return running; // someone is loading it already: share that read
    }
    try {
      blocking.execute(() -> load(key, load, mine));
    } catch (RuntimeException rejected) {
      loading.remove(key, mine);
      mine.completeExceptionally(rejected);
    }
    return mine;
  }

  private void load(Key key, Supplier<Object> load, CompletableFuture<Object> result) {
    try {
      long started = System.nanoTime(); // the entry is as old as the moment the read began
      Object value = load.get();
      if (entries.size() >= maxEntries) {
        evictStale();
      }
      entries.put(key, new Entry(value, started));
      loading.remove(key, result); // before completing: a later caller must start a new read
      result.complete(value);
    } catch (RuntimeException e) {
      loading.remove(key, result);
      result.completeExceptionally(e);
    }
  }

  private void evictStale() {
    long now = System.nanoTime();
    entries.values().removeIf(e -> now - e.fetchedNanos() >= ttlNanos);
    if (entries.size() >= maxEntries) {
      entries.clear(); // all fresh and still too many: start over rather than grow
    }
  }
}
