package io.countctl.worker.reduce;

import io.countctl.core.batch.BatchId;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What this worker knows of one owned partition, as loaded from Redis on assignment: the next
 * offset Redis says to read (the compare-and-set value of the next commit) and each edge's newest
 * applied batch. Used by the consumer thread only.
 */
final class PartitionState {
  final int partition;
  OptionalLong nextOffset;
  final Map<String, BatchId> marks;

  PartitionState(int partition, OptionalLong nextOffset, Map<String, BatchId> marks) {
    this.partition = partition;
    this.nextOffset = nextOffset;
    this.marks = new HashMap<>(marks);
  }

  /** Whether this batch was applied already (a duplicate in the log). */
  boolean seen(BatchId id) {
    BatchId mark = marks.get(id.edgeId());
    return mark != null && id.compareTo(mark) <= 0;
  }
}
