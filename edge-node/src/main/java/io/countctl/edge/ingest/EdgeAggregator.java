package io.countctl.edge.ingest;

import io.countctl.core.batch.KeyedDelta;
import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The edge's in-memory table of unflushed deltas, keyed by counter (seed 000's edge
 * aggregation): a write is a map lookup and a CAS, whatever the request rate. Memory is bounded
 * by the number of distinct counters written within a flush interval, not by the write rate.
 */
public final class EdgeAggregator {
  private final ConcurrentHashMap<CounterKey, PendingCell> cells = new ConcurrentHashMap<>();
  /** Cells that were empty at the previous drain: retired at the next one if still empty. */
  private final Map<CounterKey, PendingCell> idle = new HashMap<>();
  private volatile FlushGeneration current = new FlushGeneration(0);

  /**
   * Adds a write and returns the generation whose flush carries it.
   *
   * @throws ArithmeticException if the counter's pending delta would overflow
   */
  FlushGeneration add(CounterKey key, boolean increment, long by) {
    while (true) {
      FlushGeneration gen = current;
      if (!gen.enter()) {
        continue; // sealed under us: the flusher has already installed the next generation
      }
      try {
        addToCell(key, increment, by);
        return gen;
      } finally {
        gen.exit();
      }
    }
  }

  /**
   * Adds an increment that carries a user and/or an item: counted in the table like any write, its
   * user and item queued in the same generation for the flusher to fold into sketches.
   *
   * @throws ArithmeticException if the counter's pending delta would overflow (nothing is added)
   */
  FlushGeneration addSketched(CounterKey key, long by, String user, String item) {
    while (true) {
      FlushGeneration gen = current;
      if (!gen.enter()) {
        continue;
      }
      try {
        addToCell(key, true, by);
        gen.addSketched(new SketchedWrite(key, user, item, by));
        return gen;
      } finally {
        gen.exit();
      }
    }
  }

  /**
   * Adds a write that carries an idempotency key; it is flushed as it is, never summed.
   *
   * @param shown whether reads may add it before the store has it (not when it may be a retry)
   */
  FlushGeneration addKeyed(KeyedDelta write, boolean shown) {
    while (true) {
      FlushGeneration gen = current;
      if (!gen.enter()) {
        continue;
      }
      try {
        gen.addKeyed(new KeyedWrite(write, shown));
        return gen;
      } finally {
        gen.exit();
      }
    }
  }

  /**
   * Adds a batch request's writes all or nothing, in one generation: if one would overflow its
   * counter's pending delta, those already added are taken back (no drain can run meanwhile: it
   * waits for writers in the generation) and nothing of the batch stays.
   *
   * @param shown which of the writes (by index) reads may add before the store has them; only
   *     keyed ones are asked (see {@link #addKeyed})
   * @throws ArithmeticException naming nothing added, when a counter's pending delta would overflow
   */
  FlushGeneration addAll(List<WriteRequest> writes, java.util.function.IntPredicate shown) {
    while (true) {
      FlushGeneration gen = current;
      if (!gen.enter()) {
        continue;
      }
      try {
        int added = 0;
        try {
          for (WriteRequest w : writes) {
            if (w.token() == null) {
              addToCell(w.key(), w.increment(), w.by());
            }
            added++;
          }
        } catch (ArithmeticException e) {
          for (WriteRequest w : writes.subList(0, added)) {
            if (w.token() == null) {
              cells.get(w.key()).undo(w.increment(), w.by());
            }
          }
          throw e;
        }
        for (int i = 0; i < writes.size(); i++) { // nothing below can fail
          WriteRequest w = writes.get(i);
          if (w.token() != null) {
            gen.addKeyed(new KeyedWrite(w.keyed(), shown.test(i)));
          } else if (w.sketched()) {
            gen.addSketched(new SketchedWrite(w.key(), w.user(), w.item(), w.by()));
          }
        }
        return gen;
      } finally {
        gen.exit();
      }
    }
  }

  private void addToCell(CounterKey key, boolean increment, long by) {
    while (!cells.computeIfAbsent(key, k -> new PendingCell()).add(increment, by)) {
      Thread.onSpinWait(); // retired cell: it is leaving the map, look again
    }
  }

  /** The current generation, whose writers are answered by the next flush. */
  FlushGeneration current() {
    return current;
  }

  /**
   * Seals the current generation, installs the next, and waits until the sealed one's writers are
   * done (flusher thread only). Before {@link #drain}, outside the window in which reads retry:
   * waiting for writers can take as long as a descheduled writer thread.
   */
  FlushGeneration seal() {
    FlushGeneration sealed = current;
    current = new FlushGeneration(sealed.number() + 1);
    sealed.seal();
    sealed.awaitWriters();
    return sealed;
  }

  /** Takes every pending delta for the generation {@link #seal} returned (flusher thread only). */
  Drained drain(FlushGeneration sealed) {
    Map<CounterKey, PnCounter> taken = new HashMap<>();
    for (Iterator<Map.Entry<CounterKey, PendingCell>> it = cells.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<CounterKey, PendingCell> e = it.next();
      PendingCell cell = e.getValue();
      long p = cell.takeP();
      long n = cell.takeN();
      if (p != 0 || n != 0) {
        taken.put(e.getKey(), new PnCounter(p, n));
        idle.remove(e.getKey());
      } else if (idle.remove(e.getKey()) != null) {
        if (cell.retireIfEmpty()) {
          cells.remove(e.getKey(), cell);
        }
      } else {
        idle.put(e.getKey(), cell);
      }
    }
    return new Drained(sealed, taken, sealed.keyed(), sealed.sketched());
  }

  /** This edge's unflushed delta for one counter (reads add it to the stored total). */
  public PnCounter pending(CounterKey key) {
    PendingCell cell = cells.get(key);
    return cell == null ? PnCounter.ZERO : new PnCounter(cell.peekP(), cell.peekN());
  }

  /** Number of counters with a cell in the table (the memory the table holds). */
  public int size() {
    return cells.size();
  }

  /** What one drain took, and the generation it answers for. */
  record Drained(FlushGeneration generation, Map<CounterKey, PnCounter> deltas, List<KeyedWrite> keyed,
      List<SketchedWrite> sketched) {}
}
