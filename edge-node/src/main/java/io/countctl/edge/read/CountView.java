package io.countctl.edge.read;

import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;
import io.countctl.edge.ingest.DeltaFlusher;
import io.countctl.edge.ingest.EdgeAggregator;
import io.countctl.edge.ingest.InFlightBatches;

/**
 * What this edge answers for a counter: the region total from Redis, plus this edge's flushed
 * batches that total does not contain yet, plus its unflushed delta — so a client sees its own
 * write at once on the edge that took it.
 */
public final class CountView {
  private static final int MAX_RETRIES = 10_000;

  private final EdgeAggregator aggregator;
  private final InFlightBatches inFlight;
  private final DeltaFlusher flusher;

  public CountView(EdgeAggregator aggregator, InFlightBatches inFlight, DeltaFlusher flusher) {
    this.aggregator = aggregator;
    this.inFlight = inFlight;
    this.flusher = flusher;
  }

  /** The counter's state as this edge sees it, given a cache entry. */
  public Seen seen(CounterKey key, TotalsCache.Entry entry) {
    PnCounter local = PnCounter.ZERO;
    for (int i = 0; i < MAX_RETRIES; i++) {
      // A flush moving deltas from the table to the in-flight list would make them count twice
      // or not at all: read both between two equal, even move versions.
      long before = flusher.moveVersion();
      if ((before & 1) != 0) {
        Thread.onSpinWait();
        continue;
      }
      local = aggregator.pending(key).plus(inFlight.notIn(key, entry.appliedOffsets()));
      if (flusher.moveVersion() == before) {
        break;
      }
    }
    return new Seen(entry.stored().state().plus(local), entry.stored().globalUpdatedAtMillis(), !local.isZero(),
        entry.stored().remoteCount(), entry.stored().updatedAtMillis());
  }

  /**
   * @param state this region's state as this edge sees it (stored, in-flight, pending)
   * @param storedUpdatedAtMillis newest stored change in any region
   * @param hasLocal whether part of the count is this edge's own not-yet-stored writes
   * @param remoteCount Σ over the other regions of (P − N), as last heard
   * @param regionUpdatedAtMillis newest stored change in this region
   */
  public record Seen(PnCounter state, long storedUpdatedAtMillis, boolean hasLocal, long remoteCount,
      long regionUpdatedAtMillis) {
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
