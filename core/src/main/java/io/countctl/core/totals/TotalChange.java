package io.countctl.core.totals;

import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;

/**
 * A record on {@code <cluster>.totals} (keyed by {@link CounterKey#toString()}): a counter's
 * region state right after a worker committed a change to it.
 */
public record TotalChange(CounterKey key, PnCounter state, long updatedAtMillis) {
  public long count() {
    return state.value();
  }
}
