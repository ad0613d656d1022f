package io.countctl.core.store;

import io.countctl.core.key.CounterKey;
import java.util.Map;

/**
 * Counters read in one transaction together with the applied offsets of every partition, so a
 * reader can tell exactly which flushed batches the values already contain.
 */
public record StoreSnapshot(Map<CounterKey, StoredCounter> counters, Map<Integer, Long> appliedOffsets) {
  public StoreSnapshot {
    counters = Map.copyOf(counters);
    appliedOffsets = Map.copyOf(appliedOffsets);
  }

  /** Whether the batch at {@code offset} of {@code partition} is already in these values. */
  public boolean contains(int partition, long offset) {
    Long next = appliedOffsets.get(partition);
    return next != null && next > offset;
  }
}
