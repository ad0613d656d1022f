package io.countctl.core.store;

import io.countctl.core.batch.BatchId;
import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What a worker applies for one partition in one atomic step.
 *
 * @param expectedOffset the next offset Redis must hold now (empty: none stored yet); anything
 *     else means another worker applied in between, and this commit is refused
 * @param nextOffset the next offset to read once this commit is applied
 * @param marks per edge, the newest batch this commit contains
 * @param deltas summed change per counter
 */
public record PartitionCommit(
    int partition,
    OptionalLong expectedOffset,
    long nextOffset,
    Map<String, BatchId> marks,
    Map<CounterKey, PnCounter> deltas,
    long nowMillis) {
  public PartitionCommit {
    marks = Map.copyOf(marks);
    deltas = Map.copyOf(deltas);
  }
}
