package io.countctl.core.store;

import io.countctl.core.batch.BatchId;
import io.countctl.core.batch.KeyedDelta;
import java.util.List;
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
 * @param keyed writes with an idempotency key, each counted only if its token is new
 */
public record PartitionCommit(
    int partition,
    OptionalLong expectedOffset,
    long nextOffset,
    Map<String, BatchId> marks,
    Map<CounterKey, PnCounter> deltas,
    List<KeyedDelta> keyed,
    long nowMillis) {
  public PartitionCommit {
    marks = Map.copyOf(marks);
    deltas = Map.copyOf(deltas);
    keyed = List.copyOf(keyed);
  }

  /** A commit without idempotent writes. */
  public PartitionCommit(int partition, OptionalLong expectedOffset, long nextOffset, Map<String, BatchId> marks,
      Map<CounterKey, PnCounter> deltas, long nowMillis) {
    this(partition, expectedOffset, nextOffset, marks, deltas, List.of(), nowMillis);
  }
}
