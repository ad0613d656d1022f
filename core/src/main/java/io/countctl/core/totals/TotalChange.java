package io.countctl.core.totals;

import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;

/**
 * A record on {@code <cluster>.totals} (keyed by {@link CounterKey#toString()}): a counter's
 * global state (Σ over regions of P and of N; with one region, that region's) right after a
 * worker committed a change to it or the region-merge role merged one from a peer. {@code version} is the counter's
 * version in Redis at that state (bumped atomically with every change of the value, by whichever
 * role writes it), so readers can tell a newer state from an older one arriving late.
 */
public record TotalChange(CounterKey key, PnCounter state, long updatedAtMillis, long version) {
  public TotalChange(CounterKey key, PnCounter state, long updatedAtMillis) {
    this(key, state, updatedAtMillis, 0);
  }

  public long count() {
    return state.value();
  }
}
