package io.countctl.edge.ingest;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One counter's not-yet-flushed delta on this edge: increments and decrements kept apart.
 *
 * <p>Writers add with CAS; the flusher takes the values with {@code getAndSet(0)}, so nothing
 * added concurrently is lost. A cell idle for a whole flush is retired (both parts set to
 * {@link #RETIRED}) before it leaves the table: a writer that still holds it sees the mark and
 * looks the counter up again instead of adding to a cell nobody will flush.
 */
final class PendingCell {
  static final long RETIRED = Long.MIN_VALUE;

  private final AtomicLong p = new AtomicLong();
  private final AtomicLong n = new AtomicLong();

  /**
   * Adds {@code by} to the increments or decrements.
   *
   * @return false if the cell was retired (the caller must use a fresh cell)
   * @throws ArithmeticException if the pending part would overflow
   */
  boolean add(boolean increment, long by) {
    AtomicLong part = increment ? p : n;
    while (true) {
      long v = part.get();
      if (v == RETIRED) {
        return false;
      }
      if (part.compareAndSet(v, Math.addExact(v, by))) {
        return true;
      }
    }
  }

  /**
   * Takes back an {@link #add} of a write refused after it was added (a batch that cannot be
   * accepted whole). Only while the caller is still in the write's generation: no drain can have
   * taken or retired the cell since.
   */
  void undo(boolean increment, long by) {
    (increment ? p : n).addAndGet(-by);
  }

  /** Takes the increments accumulated so far (the flusher). */
  long takeP() {
    return take(p);
  }

  long takeN() {
    return take(n);
  }

  private static long take(AtomicLong part) {
    while (true) {
      long v = part.get();
      if (v == RETIRED || part.compareAndSet(v, 0)) {
        return v == RETIRED ? 0 : v;
      }
    }
  }

  /** Current unflushed increments, for reads. */
  long peekP() {
    long v = p.get();
    return v == RETIRED ? 0 : v;
  }

  long peekN() {
    long v = n.get();
    return v == RETIRED ? 0 : v;
  }

  /**
   * Marks an empty cell retired; fails (and leaves the cell usable) if anything was added since
   * the last take.
   */
  boolean retireIfEmpty() {
    if (!p.compareAndSet(0, RETIRED)) {
      return false;
    }
    if (!n.compareAndSet(0, RETIRED)) {
      p.set(0); // a decrement arrived: keep the cell; writers spinning on p retry
      return false;
    }
    return true;
  }
}
