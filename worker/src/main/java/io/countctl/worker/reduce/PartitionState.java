package io.countctl.worker.reduce;

import io.countctl.core.batch.BatchId;
import io.countctl.core.batch.EdgeMark;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What this worker knows of one owned partition, as loaded from Redis on assignment: the next
 * offset Redis says to read (the compare-and-set value of the next commit) and what it applied of
 * each edge's batches. Used by the consumer thread only.
 */
final class PartitionState {
  final int partition;
  OptionalLong nextOffset;
  final Map<String, EdgeMark> marks;

  PartitionState(int partition, OptionalLong nextOffset, Map<String, EdgeMark> marks) {
    this.partition = partition;
    this.nextOffset = nextOffset;
    this.marks = new HashMap<>(marks);
  }

  /** Whether this batch was applied already (a duplicate in the log). */
  boolean seen(BatchId id) {
    EdgeMark mark = marks.get(id.edgeId());
    return mark != null && mark.contains(id);
  }
}
