package io.countctl.edge.ingest;

import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * This edge's flushed batches that may not be in Redis yet (see {@link FlushedBatch}).
 *
 * <p>A batch leaves once a snapshot has shown it applied for longer than the read cache's
 * time-to-live: by then no cached total older than its application can still be served.
 */
public final class InFlightBatches {
  private final ConcurrentLinkedQueue<FlushedBatch> batches = new ConcurrentLinkedQueue<>();
  private final long keepAfterAppliedNanos;

  public InFlightBatches(long keepAfterAppliedNanos) {
    this.keepAfterAppliedNanos = keepAfterAppliedNanos;
  }

  void add(FlushedBatch b) {
    batches.add(b);
  }

  void remove(FlushedBatch b) {
    batches.remove(b);
  }

  /**
   * Sum of this counter's deltas in batches not contained in a snapshot with the given applied
   * offsets (partition → next offset to read).
   */
  public PnCounter notIn(CounterKey key, Map<Integer, Long> appliedOffsets) {
    long p = 0;
    long n = 0;
    for (FlushedBatch b : batches) {
      PnCounter d = b.view.get(key);
      if (d == null) {
        continue;
      }
      int part = b.partition();
      if (part >= 0) {
        Long next = appliedOffsets.get(part);
        if (next != null && next > b.offset()) {
          continue; // the snapshot already has it
        }
      }
      p += d.p();
      n += d.n();
    }
    return new PnCounter(p, n);
  }

  /** Notes which batches the latest applied offsets contain, and forgets those safely old. */
  public void observeApplied(Map<Integer, Long> appliedOffsets) {
    long now = System.nanoTime();
    for (FlushedBatch b : batches) {
      int part = b.partition();
      if (part < 0) {
        continue;
      }
      Long next = appliedOffsets.get(part);
      if (next != null && next > b.offset()) {
        b.appliedSeenAt(now);
      }
      long seen = b.appliedSeenNanos();
      if (seen != 0 && now - seen > keepAfterAppliedNanos) {
        batches.remove(b);
      }
    }
  }

  /** Whether any acknowledged batch still waits to be seen applied. */
  public boolean awaitingApply() {
    for (FlushedBatch b : batches) {
      if (b.isAcknowledged()) {
        return true;
      }
    }
    return false;
  }

  public int size() {
    return batches.size();
  }
}
