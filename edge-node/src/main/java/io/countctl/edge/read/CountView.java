package io.countctl.edge.read;

import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;
import io.countctl.edge.ingest.EdgeAggregator;
import io.countctl.edge.ingest.InFlightBatches;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * What this edge answers for a counter: the region total from Redis, plus this edge's flushed
 * batches that total does not contain yet, plus its unflushed delta — so a client sees its own
 * write at once on the edge that took it.
 *
 * <p>Reads on one edge never go back ({@link #served}): per counter the edge keeps the highest
 * state it has answered (increments and decrements apart, as the PN-counter has them) and never
 * answers less of either. Every view is at most the truth (each batch is counted at most once,
 * see {@link InFlightBatches#notIn}, and a keyed retry not at all until stored), so neither is that maximum; it only covers the moments a
 * view is briefly short (a batch whose Kafka acknowledgement has not arrived, the store down).
 */
public final class CountView {
  /** Optimistic attempts on the calling thread before the wait moves to a virtual thread. */
  private static final int SPINS = 1_000;
  /** Floors idle this long may go when there are too many (a fresh view is then complete again). */
  private static final long FLOOR_IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final EdgeAggregator aggregator;
  private final InFlightBatches inFlight;
  private final LongSupplier moveVersion;
  private final Executor waiter;
  private final int maxFloors;
  private final ConcurrentHashMap<CounterKey, AtomicReference<Floor>> floors = new ConcurrentHashMap<>();

  /** The highest state answered for a counter, with the stored version it came with. */
  private record Floor(long version, Seen seen, long atNanos) {}

  /**
   * @param moveVersion the flusher's {@code DeltaFlusher#moveVersion}: odd while it moves deltas
   *     from the table to the in-flight list
   * @param waiter where a read waits (off the event loop) for such a move to end
   * @param maxFloors counters whose highest answered state is kept (like the read cache's size)
   */
  public CountView(EdgeAggregator aggregator, InFlightBatches inFlight, LongSupplier moveVersion, Executor waiter,
      int maxFloors) {
    this.aggregator = aggregator;
    this.inFlight = inFlight;
    this.moveVersion = moveVersion;
    this.waiter = waiter;
    this.maxFloors = maxFloors;
  }

  /**
   * The counter's state as this edge sees it now, given a cache entry (live streams, which order
   * values by version themselves). Completes at once unless a flush is moving deltas from the
   * table to the in-flight list; then it waits for the move off the calling thread, and never
   * answers without the pending and in-flight part.
   */
  public CompletableFuture<Seen> seen(CounterKey key, TotalsCache.Entry entry) {
    return seen(key, entry, false);
  }

  /** What a count read answers: the view, raised to the highest state answered before. */
  public CompletableFuture<Seen> served(CounterKey key, TotalsCache.Read read) {
    CompletableFuture<Seen> now = seen(key, read.entry(), read.stale());
    if (now.isDone() && !now.isCompletedExceptionally()) {
      return CompletableFuture.completedFuture(floor(key, read, now.join()));
    }
    return now.thenApply(s -> floor(key, read, s));
  }

  /**
   * {@link #served} without a future, for the common case: the answer, or null when a flush is
   * moving deltas right now (then use {@link #served}, which waits off the calling thread).
   */
  public Seen servedNow(CounterKey key, TotalsCache.Read read) {
    Seen s = attempt(key, read.entry(), read.stale(), SPINS);
    return s == null ? null : floor(key, read, s);
  }

  private CompletableFuture<Seen> seen(CounterKey key, TotalsCache.Entry entry, boolean stale) {
    Seen s = attempt(key, entry, stale, SPINS);
    if (s != null) {
      return CompletableFuture.completedFuture(s);
    }
    return CompletableFuture.supplyAsync(() -> {
      while (true) {
        Seen r = attempt(key, entry, stale, 100);
        if (r != null) {
          return r;
        }
        LockSupport.parkNanos(20_000); // the move is CPU work of the flusher thread: it ends
      }
    }, waiter);
  }

  /** One optimistic read of the local part; null if a flush kept moving deltas meanwhile. */
  private Seen attempt(CounterKey key, TotalsCache.Entry entry, boolean stale, int spins) {
    for (int i = 0; i < spins; i++) {
      // A flush moving deltas from the table to the in-flight list would make them count twice
      // or not at all: read both between two equal, even move versions.
      long before = moveVersion.getAsLong();
      if ((before & 1) != 0) {
        Thread.onSpinWait();
        continue;
      }
      PnCounter pending = aggregator.pending(key);
      PnCounter flying = inFlight.notIn(key, entry.appliedOffsets(), entry.inFlightAdded());
      if (moveVersion.getAsLong() == before) {
        long p = Math.addExact(pending.p(), flying.p());
        long n = Math.addExact(pending.n(), flying.n());
        boolean local = p != 0 || n != 0;
        PnCounter stored = entry.stored().state();
        PnCounter state = local ? new PnCounter(Math.addExact(stored.p(), p), Math.addExact(stored.n(), n)) : stored;
        return new Seen(state, entry.stored().globalUpdatedAtMillis(), local, entry.stored().remoteCount(),
            entry.stored().updatedAtMillis(), stale);
      }
    }
    return null;
  }

  /**
   * Raises {@code now} to the counter's floor and the floor to it. A fresh entry with a lower
   * version than the floor's means the store went back (data lost): the floor starts over.
   */
  private Seen floor(CounterKey key, TotalsCache.Read read, Seen now) {
    long version = read.entry().stored().version();
    AtomicReference<Floor> ref = floors.get(key);
    if (ref == null) {
      if (floors.size() >= maxFloors) {
        evictIdle();
      }
      ref = floors.computeIfAbsent(key, k -> new AtomicReference<>());
    }
    while (true) {
      Floor f = ref.get();
      if (f == null || (!read.stale() && version < f.version())) {
        if (ref.compareAndSet(f, new Floor(version, now, System.nanoTime()))) {
          return now;
        }
        continue;
      }
      PnCounter fs = f.seen().state();
      if (version >= f.version() && now.state().p() >= fs.p() && now.state().n() >= fs.n()) {
        // The usual case: the view is at or above the floor in both parts, so it is the answer
        // as it is (what the general merge below makes of it too), and only a higher one moves the floor.
        if ((now.state().p() == fs.p() && now.state().n() == fs.n() && version == f.version())
            || ref.compareAndSet(f, new Floor(version, now, System.nanoTime()))) {
          return now;
        }
        continue;
      }
      PnCounter top = new PnCounter(Math.max(f.seen().state().p(), now.state().p()),
          Math.max(f.seen().state().n(), now.state().n()));
      Seen base = version >= f.version() ? now : f.seen(); // the newer stored part (other regions, times)
      Seen merged = new Seen(top, base.storedUpdatedAtMillis(), now.hasLocal() || !top.equals(now.state()),
          base.remoteCount(), base.regionUpdatedAtMillis(), now.stale());
      long topVersion = Math.max(version, f.version());
      if (top.equals(f.seen().state()) && version <= f.version()) {
        return merged; // nothing new to keep
      }
      if (ref.compareAndSet(f, new Floor(topVersion, merged, System.nanoTime()))) {
        return merged;
      }
    }
  }

  private void evictIdle() {
    long now = System.nanoTime();
    floors.values().removeIf(r -> {
      Floor f = r.get();
      return f == null || now - f.atNanos() > FLOOR_IDLE_NANOS;
    });
    if (floors.size() >= maxFloors) {
      floors.clear(); // all recent and still too many: start over rather than grow
    }
  }

  /**
   * @param state this region's state as this edge sees it (stored, in-flight, pending)
   * @param storedUpdatedAtMillis newest stored change in any region
   * @param hasLocal whether part of the count is this edge's own not-yet-stored writes
   * @param remoteCount Σ over the other regions of (P − N), as last heard
   * @param regionUpdatedAtMillis newest stored change in this region
   * @param stale whether the stored part is the last one read because the store did not answer in time
   */
  public record Seen(PnCounter state, long storedUpdatedAtMillis, boolean hasLocal, long remoteCount,
      long regionUpdatedAtMillis, boolean stale) {
    /** This region's count ({@code ?scope=region}). */
    public long count() {
      return state.value();
    }

    /**
     * The global count: Σ over every region (what {@code GET} answers and live streams show; pushed
     * updates carry the global state too, both from commits and from merges).
     */
    public long globalCount() {
      return state.value() + remoteCount;
    }
  }
}
