package io.countctl.core.store;

import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;
import io.countctl.core.totals.TotalChange;
import java.util.Map;

/**
 * A counter as Redis holds it: this region's own state ({@code updatedAtMillis} is 0 for a counter
 * never written here), its version and, with peers, the entries of other regions by region name.
 * {@code version} is the counter's own sequence, bumped in the same script as every change of its
 * value, this region's or a merged one (0: never changed since versions exist); live streams order
 * values by it.
 */
public record StoredCounter(PnCounter state, long updatedAtMillis, long version, Map<String, RegionEntry> remote) {
  public static final StoredCounter NEVER_WRITTEN = new StoredCounter(PnCounter.ZERO, 0, 0, Map.of());

  public StoredCounter {
    remote = Map.copyOf(remote);
  }

  public StoredCounter(PnCounter state, long updatedAtMillis, long version) {
    this(state, updatedAtMillis, version, Map.of());
  }

  public StoredCounter(PnCounter state, long updatedAtMillis) {
    this(state, updatedAtMillis, 0);
  }

  /** This region's count. */
  public long count() {
    return state.value();
  }

  /** Σ over the other regions of (P − N). */
  public long remoteCount() {
    long sum = 0;
    for (RegionEntry e : remote.values()) {
      sum += e.state().value();
    }
    return sum;
  }

  /** The global count: Σ over every region of (P − N). */
  public long globalCount() {
    return count() + remoteCount();
  }

  /**
   * Σ over every region of P and of N: the global state as one PN pair, whose value is
   * {@link #globalCount}. Should the summed parts pass 2^63 − 1 (several regions near the limit),
   * the pair is the net count alone.
   */
  public PnCounter globalState() {
    if (remote.isEmpty()) {
      return state;
    }
    try {
      long p = state.p();
      long n = state.n();
      for (RegionEntry e : remote.values()) {
        p = Math.addExact(p, e.state().p());
        n = Math.addExact(n, e.state().n());
      }
      return new PnCounter(p, n);
    } catch (ArithmeticException tooLarge) {
      long v = globalCount();
      return v >= 0 ? new PnCounter(v, 0) : new PnCounter(0, -v);
    }
  }

  /** What live readers get: the global state with this counter's version. */
  public TotalChange totalChange(CounterKey key) {
    return new TotalChange(key, globalState(), globalUpdatedAtMillis(), version);
  }

  /** The newest change in any region. */
  public long globalUpdatedAtMillis() {
    long t = updatedAtMillis;
    for (RegionEntry e : remote.values()) {
      t = Math.max(t, e.updatedAtMillis());
    }
    return t;
  }
}
