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
  /** Batches added so far: a snapshot notes it when it completes ({@link #added}). */
  private final java.util.concurrent.atomic.AtomicLong added = new java.util.concurrent.atomic.AtomicLong();
  private final long keepAfterAppliedNanos;

  public InFlightBatches(long keepAfterAppliedNanos) {
    this.keepAfterAppliedNanos = keepAfterAppliedNanos;
  }

  void add(FlushedBatch b) {
    b.number(added.incrementAndGet());
    batches.add(b);
  }

  /**
   * How many batches were added so far. Read right after a snapshot completes, it separates the
   * batches that snapshot cannot contain (added later) from those it may.
   */
  public long added() {
    return added.get();
  }

  void remove(FlushedBatch b) {
    batches.remove(b);
  }

  /**
   * Sum of this counter's deltas in batches certainly not contained in a snapshot with the given
   * applied offsets (partition → next offset to read), taken when {@link #added} was
   * {@code addedBefore}.
   *
   * <p>A batch Kafka has acknowledged is decided by its offset. One not acknowledged yet has no
   * partition: if it was added after the snapshot completed, the snapshot cannot hold it; if
   * before, the worker may have applied it already (Kafka appended it, the producer's callback has
   * not run), so it is left out rather than risk counting it twice. Its writers have not been
   * answered in durable mode, and the read path's floor (see {@code CountView}) keeps reads from
   * dropping below what was shown while it was pending.
   */
  public PnCounter notIn(CounterKey key, Map<Integer, Long> appliedOffsets, long addedBefore) {
    long p = 0;
    long n = 0;
    for (FlushedBatch b : batches) {
      // The snapshot test first: most batches are applied ones kept a little longer (see the
      // class comment), and they need no lookup of the key at all.
      int part = b.partition();
      if (part >= 0) {
        Long next = appliedOffsets.get(part);
        if (next != null && next > b.offset()) {
          continue; // the snapshot already has it
        }
      } else if (b.number() <= addedBefore) {
        continue; // may be in the snapshot already: unknown until Kafka's acknowledgement arrives
      }
      PnCounter d = b.view.get(key);
      if (d == null) {
        continue;
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
