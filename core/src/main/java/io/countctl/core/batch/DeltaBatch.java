package io.countctl.core.batch;

import java.util.List;

/**
 * One record on {@code <cluster>.deltas}: everything an edge aggregated during one flush interval.
 *
 * @param id who sent it and where it falls in that sender's sequence
 * @param createdAtMillis wall-clock time of the flush, for lag metrics
 * @param deltas one entry per counter touched in the interval
 */
public record DeltaBatch(BatchId id, long createdAtMillis, List<Delta> deltas) {
  public DeltaBatch {
    deltas = List.copyOf(deltas);
  }

  /** Total number of increments and decrements the batch carries. */
  public long operations() {
    long sum = 0;
    for (Delta d : deltas) {
      sum += d.change().p() + d.change().n();
    }
    return sum;
  }
}
