package io.countctl.core.store;

import io.countctl.core.batch.EdgeMark;
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
 * @param marks per edge, what the partition has applied of its batches once this commit is
 * @param deltas summed change per counter
 * @param keyed writes with an idempotency key, each counted only if its token is new
 * @param checks per keyed write (same order), what its sketch contribution assumed; empty: nothing
 * @param sketches the partition's new sketches of the counters this commit feeds
 * @param replays identities of replayed dead letters this commit applies (see
 *     {@code ReplayedRecords} in the worker): each is applied only if Redis has not recorded it,
 *     and recorded in the same atomic step; empty on the normal path
 */
public record PartitionCommit(
    int partition,
    OptionalLong expectedOffset,
    long nextOffset,
    Map<String, EdgeMark> marks,
    Map<CounterKey, PnCounter> deltas,
    List<KeyedDelta> keyed,
    long nowMillis,
    List<KeyedCheck> checks,
    List<SketchWrite> sketches,
    List<String> replays) {
  public PartitionCommit {
    replays = List.copyOf(replays);
    marks = Map.copyOf(marks);
    deltas = Map.copyOf(deltas);
    keyed = List.copyOf(keyed);
    checks = List.copyOf(checks);
    sketches = List.copyOf(sketches);
    if (!checks.isEmpty() && checks.size() != keyed.size()) {
      throw new IllegalArgumentException("one check per keyed write");
    }
  }

  public PartitionCommit(int partition, OptionalLong expectedOffset, long nextOffset, Map<String, EdgeMark> marks,
      Map<CounterKey, PnCounter> deltas, List<KeyedDelta> keyed, long nowMillis, List<KeyedCheck> checks,
      List<SketchWrite> sketches) {
    this(partition, expectedOffset, nextOffset, marks, deltas, keyed, nowMillis, checks, sketches, List.of());
  }

  public PartitionCommit(int partition, OptionalLong expectedOffset, long nextOffset, Map<String, EdgeMark> marks,
      Map<CounterKey, PnCounter> deltas, List<KeyedDelta> keyed, long nowMillis) {
    this(partition, expectedOffset, nextOffset, marks, deltas, keyed, nowMillis, List.of(), List.of());
  }

  /** The same commit carrying sketches. */
  public PartitionCommit withSketches(List<KeyedCheck> newChecks, List<SketchWrite> newSketches) {
    return new PartitionCommit(partition, expectedOffset, nextOffset, marks, deltas, keyed, nowMillis, newChecks, newSketches,
        replays);
  }

  /** The same commit applying these replayed dead letters too. */
  public PartitionCommit withReplays(List<String> newReplays) {
    return new PartitionCommit(partition, expectedOffset, nextOffset, marks, deltas, keyed, nowMillis, checks, sketches,
        newReplays);
  }

  /** A commit without idempotent writes. */
  public PartitionCommit(int partition, OptionalLong expectedOffset, long nextOffset, Map<String, EdgeMark> marks,
      Map<CounterKey, PnCounter> deltas, long nowMillis) {
    this(partition, expectedOffset, nextOffset, marks, deltas, List.of(), nowMillis);
  }
}
