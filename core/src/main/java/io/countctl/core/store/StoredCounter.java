package io.countctl.core.store;

import io.countctl.core.counter.PnCounter;
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

  /** The newest change in any region. */
  public long globalUpdatedAtMillis() {
    long t = updatedAtMillis;
    for (RegionEntry e : remote.values()) {
      t = Math.max(t, e.updatedAtMillis());
    }
    return t;
  }
}
