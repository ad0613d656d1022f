package io.countctl.core.store;

import io.countctl.core.counter.PnCounter;

/** A counter as Redis holds it; {@code updatedAtMillis} is 0 for a counter never written. */
public record StoredCounter(PnCounter state, long updatedAtMillis) {
  public static final StoredCounter NEVER_WRITTEN = new StoredCounter(PnCounter.ZERO, 0);

  public long count() {
    return state.value();
  }
}
