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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's cache of counters from Redis: this region's total and the other regions' entries. An
 * entry is served only while younger than the time-to-live; then one load (shared by every request
 * that needs it) reads the counter and all partitions' applied offsets in one transaction, which
 * tells the read path exactly which of this edge's flushed batches the total already contains.
 *
 * <p>A cached entry is never replaced by an older state of its counter (a lower version: two loads
 * can complete out of order), so the totals this edge adds its own writes to only move forward.
 *
 * <p>The store may hang (a stuck node, a partition): no request waits for it longer than the store
 * timeout. {@link #read} then answers the last entry read, marked stale; while the store is down
 * it does so at once, and a background load per counter notices when it is back.
 */
public final class TotalsCache {
  private static final Logger log = LoggerFactory.getLogger(TotalsCache.class);

  /**
   * A counter as read from Redis, with the offsets the read reflects.
   *
   * @param fetchedNanos when the read began (the entry is as old as that)
   * @param completedNanos when it returned
   * @param inFlightAdded {@link InFlightBatches#added} right after it returned: batches added later
   *     cannot be in it
   */
  public record Entry(StoredCounter stored, Map<Integer, Long> appliedOffsets, long fetchedNanos, long completedNanos,
      long inFlightAdded) {
    /** Nothing known about the counter (never read while the store answered). */
    static final Entry UNKNOWN = new Entry(StoredCounter.NEVER_WRITTEN, Map.of(), 0, 0, 0);
  }

  /** What a read answers from: an entry, and whether it is older than the store would say now. */
  public record Read(Entry entry, boolean stale) {}

  private final CounterStore store;
  private final InFlightBatches inFlight;
  private final ExecutorService blocking;
  private final long ttlNanos;
  private final int maxEntries;
  private final Duration timeout;
  private final ConcurrentHashMap<CounterKey, Entry> entries = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<CounterKey, CompletableFuture<Entry>> loading = new ConcurrentHashMap<>();
  /** When the store stopped answering (a failed or timed-out read), 0 while it answers. */
  private volatile long downSinceNanos;

  public TotalsCache(CounterStore store, InFlightBatches inFlight, ExecutorService blocking, Duration ttl, int maxEntries,
      Duration timeout) {
    this.store = store;
    this.inFlight = inFlight;
    this.blocking = blocking;
    this.ttlNanos = ttl.toNanos();
    this.maxEntries = maxEntries;
    this.timeout = timeout;
  }

  /**
   * A fresh entry: at once from the cache, else after one (shared) Redis read; fails when the read
   * does (the Redis client gives up after the store timeout).
   */
  public CompletableFuture<Entry> fresh(CounterKey key) {
    Entry e = entries.get(key);
    if (e != null && System.nanoTime() - e.fetchedNanos() < ttlNanos) {
      return CompletableFuture.completedFuture(e);
    }
    return load(key);
  }

  /** The cached entry while it is fresh, as {@link #read} would answer it at once; null otherwise. */
  public Read cached(CounterKey key) {
    Entry e = entries.get(key);
    return e != null && System.nanoTime() - e.fetchedNanos() < ttlNanos ? new Read(e, false) : null;
  }

  /**
   * What a count read answers from, within the store timeout and never failing: a fresh entry, or
   * (the store down or slow) the last entry read, marked stale ({@link Entry#UNKNOWN} if none).
   */
  public CompletableFuture<Read> read(CounterKey key) {
    Entry e = entries.get(key);
    if (e != null && System.nanoTime() - e.fetchedNanos() < ttlNanos) {
      return CompletableFuture.completedFuture(new Read(e, false));
    }
    CompletableFuture<Entry> loaded = load(key);
    if (downSinceNanos != 0 && !loaded.isDone()) {
      return CompletableFuture.completedFuture(stale(key)); // known down: don't wait, the load probes
    }
    return bounded(loaded).handle((entry, error) -> error == null ? new Read(entry, false) : stale(key));
  }

  private Read stale(CounterKey key) {
    return new Read(entries.getOrDefault(key, Entry.UNKNOWN), true);
  }

  /**
   * A new read from Redis even if one is cached or loading (which may predate a change the caller
   * knows was applied); kept unless the cache meanwhile holds a newer state.
   */
  public CompletableFuture<Entry> reload(CounterKey key) {
    CompletableFuture<Entry> mine = new CompletableFuture<>();
    start(key, mine, false);
    return mine;
  }

  /** When each other region was last heard from (its clock, ms); read from Redis off the loop. */
  public CompletableFuture<Map<String, Long>> lastHeard() {
    return CompletableFuture.supplyAsync(() -> new RegionStore(store).heard(), blocking);
  }

  /** Whether the store failed to answer the last read (for metrics; no I/O). */
  public boolean storeDown() {
    return downSinceNanos != 0;
  }

  /** A read of the store outside this cache answered ({@code true}) or failed. */
  public void storeAnswered(boolean answered) {
    if (answered) {
      if (downSinceNanos != 0) {
        log.info("Redis answers again: reads are fresh again");
      }
      downSinceNanos = 0;
    } else if (downSinceNanos == 0) {
      downSinceNanos = System.nanoTime();
      log.warn("Redis does not answer within {} ms: counts are served from the last read, marked stale",
          timeout.toMillis());
    }
  }

  /** A copy of {@code f} that fails once the store timeout has passed ({@code f} itself goes on). */
  private <T> CompletableFuture<T> bounded(CompletableFuture<T> f) {
    if (f.isDone()) {
      return f;
    }
    return f.copy().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
      if (e instanceof TimeoutException) {
        storeAnswered(false);
      }
    });
  }

  /** The running load of {@code key}, or a new one. */
  private CompletableFuture<Entry> load(CounterKey key) {
    CompletableFuture<Entry> mine = new CompletableFuture<>();
    CompletableFuture<Entry> running = loading.putIfAbsent(key, mine);
    if (running != null) {
      return running; // someone is loading it already: share that read
    }
    start(key, mine, true);
    return mine;
  }

  private void start(CounterKey key, CompletableFuture<Entry> result, boolean shared) {
    try {
      blocking.execute(() -> load(key, result, shared));
    } catch (RuntimeException rejected) {
      if (shared) {
        loading.remove(key, result);
      }
      result.completeExceptionally(rejected);
    }
  }

  private void load(CounterKey key, CompletableFuture<Entry> result, boolean shared) {
    try {
      long started = System.nanoTime(); // the entry is as old as the moment the read began
      StoreSnapshot snap = store.snapshot(List.of(key));
      long added = inFlight.added(); // after the reply: a batch added later cannot be in it
      storeAnswered(true);
      inFlight.observeApplied(snap.appliedOffsets());
      Entry entry = keep(key, new Entry(snap.counters().get(key), snap.appliedOffsets(), started, System.nanoTime(), added));
      if (shared) {
        loading.remove(key, result); // before completing: a later caller must start a new read
      }
      result.complete(entry);
    } catch (RuntimeException e) {
      storeAnswered(false);
      if (shared) {
        loading.remove(key, result);
      }
      result.completeExceptionally(e);
    }
  }

  /**
   * Caches {@code e} unless the cache holds a newer state of the counter, and returns what it
   * holds. A lower version is kept only from a read that began after the cached one returned: then
   * the store itself went back (its data was lost), and the edge follows it.
   */
  private Entry keep(CounterKey key, Entry e) {
    if (entries.size() >= maxEntries && !entries.containsKey(key)) {
      evictStale();
    }
    return entries.merge(key, e, (old, now) -> now.stored().version() >= old.stored().version()
        || now.fetchedNanos() > old.completedNanos() ? now : old);
  }

  private void evictStale() {
    long now = System.nanoTime();
    entries.values().removeIf(e -> now - e.fetchedNanos() >= ttlNanos);
    if (entries.size() >= maxEntries) {
      entries.clear(); // all fresh and still too many: start over rather than grow
    }
  }
}
