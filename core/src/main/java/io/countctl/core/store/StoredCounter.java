package io.countctl.core.store;

import io.countctl.core.counter.PnCounter;

/**
 * A counter as Redis holds it; {@code updatedAtMillis} is 0 for a counter never written.
 * {@code version} is the counter's own sequence, bumped in the same script as every change of its
 * value (0: never changed since versions exist); live streams order values by it.
 */
public record StoredCounter(PnCounter state, long updatedAtMillis, long version) {
  public static final StoredCounter NEVER_WRITTEN = new StoredCounter(PnCounter.ZERO, 0, 0);

  public StoredCounter(PnCounter state, long updatedAtMillis) {
    this(state, updatedAtMillis, 0);
  }

  public long count() {
    return state.value();
  }
}
