package io.countctl.edge.read;

import io.countctl.core.key.CounterKey;
import io.countctl.core.store.CounterStore;
import io.countctl.core.store.RegionStore;
import io.countctl.core.store.StoreSnapshot;
import io.countctl.core.store.StoredCounter;
import io.countctl.edge.ingest.InFlightBatches;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * The edge's cache of counters from Redis: this region's total and the other regions' entries. An entry is served only while younger than the
 * time-to-live; then one load (shared by every request that needs it) reads the counter and all
 * partitions' applied offsets in one transaction, which tells the read path exactly which of this
 * edge's flushed batches the total already contains.
 */
public final class TotalsCache {
  /** A counter as read from Redis, with the offsets the read reflects. */
  public record Entry(StoredCounter stored, Map<Integer, Long> appliedOffsets, long fetchedNanos) {}

  private final CounterStore store;
  private final InFlightBatches inFlight;
  private final ExecutorService blocking;
  private final long ttlNanos;
  private final int maxEntries;
  private final ConcurrentHashMap<CounterKey, Entry> entries = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<CounterKey, CompletableFuture<Entry>> loading = new ConcurrentHashMap<>();

  public TotalsCache(CounterStore store, InFlightBatches inFlight, ExecutorService blocking, Duration ttl, int maxEntries) {
    this.store = store;
    this.inFlight = inFlight;
    this.blocking = blocking;
    this.ttlNanos = ttl.toNanos();
    this.maxEntries = maxEntries;
  }

  /** A fresh entry: at once from the cache, else after one (shared) Redis read. */
  public CompletableFuture<Entry> fresh(CounterKey key) {
    Entry e = entries.get(key);
    if (e != null && System.nanoTime() - e.fetchedNanos() < ttlNanos) {
      return CompletableFuture.completedFuture(e);
    }
    CompletableFuture<Entry> mine = new CompletableFuture<>();
    CompletableFuture<Entry> running = loading.putIfAbsent(key, mine);
    if (running != null) {
      return running; // someone is loading it already: share that read
    }
    try {
      blocking.execute(() -> load(key, mine));
    } catch (RuntimeException rejected) {
      loading.remove(key, mine);
      mine.completeExceptionally(rejected);
    }
    return mine;
  }

  /**
   * A new read from Redis even if one is cached or loading (which may predate a change the caller
   * knows was applied); the result replaces the cached entry.
   */
  public CompletableFuture<Entry> reload(CounterKey key) {
    CompletableFuture<Entry> mine = new CompletableFuture<>();
    try {
      blocking.execute(() -> load(key, mine));
    } catch (RuntimeException rejected) {
      mine.completeExceptionally(rejected);
    }
    return mine;
  }

  /** When each other region was last heard from (its clock, ms); read from Redis off the loop. */
  public CompletableFuture<Map<String, Long>> lastHeard() {
    return CompletableFuture.supplyAsync(() -> new RegionStore(store).heard(), blocking);
  }

  private void load(CounterKey key, CompletableFuture<Entry> result) {
    try {
      long started = System.nanoTime(); // the entry is as old as the moment the read began
      StoreSnapshot snap = store.snapshot(List.of(key));
      inFlight.observeApplied(snap.appliedOffsets());
      Entry entry = new Entry(snap.counters().get(key), snap.appliedOffsets(), started);
      if (entries.size() >= maxEntries) {
        evictStale();
      }
      entries.put(key, entry);
      loading.remove(key, result); // before completing: a later caller must start a new read
      result.complete(entry);
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
