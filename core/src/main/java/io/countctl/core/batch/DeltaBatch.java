package io.countctl.core.batch;

import io.countctl.core.sketch.SketchDelta;
import java.util.List;

/**
 * One record on {@code <cluster>.deltas}: everything an edge aggregated during one flush interval.
 *
 * @param id who sent it and where it falls in that sender's sequence
 * @param createdAtMillis wall-clock time of the flush, for lag metrics
 * @param deltas one entry per counter touched in the interval
 * @param keyed writes that carried an idempotency key, one entry each
 * @param sketches what the interval's unkeyed writes add to counters' sketches, one per counter
 */
public record DeltaBatch(BatchId id, long createdAtMillis, List<Delta> deltas, List<KeyedDelta> keyed,
    List<SketchDelta> sketches) {
  public DeltaBatch {
    deltas = List.copyOf(deltas);
    keyed = List.copyOf(keyed);
    sketches = List.copyOf(sketches);
  }

  public DeltaBatch(BatchId id, long createdAtMillis, List<Delta> deltas, List<KeyedDelta> keyed) {
    this(id, createdAtMillis, deltas, keyed, List.of());
  }

  /** A batch without idempotent writes. */
  public DeltaBatch(BatchId id, long createdAtMillis, List<Delta> deltas) {
    this(id, createdAtMillis, deltas, List.of(), List.of());
  }

  /** Total number of increments and decrements the batch carries. */
  public long operations() {
    long sum = 0;
    for (Delta d : deltas) {
      sum += d.change().p() + d.change().n();
    }
    for (KeyedDelta d : keyed) {
      sum += d.change().p() + d.change().n();
    }
    return sum;
  }
}
