package io.countctl.edge.ingest;

import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;
import java.util.Map;

/**
 * A record this edge sent to Kafka and cannot yet prove is in Redis. Reads add its deltas to the
 * stored totals until a store snapshot shows its offset applied, so an edge's own writes never
 * vanish from its reads between the flush and the worker's commit.
 */
final class FlushedBatch {
  final Map<CounterKey, PnCounter> deltas;
  private volatile int partition = -1;
  private volatile long offset = -1;
  private volatile long appliedSeenNanos;

  FlushedBatch(Map<CounterKey, PnCounter> deltas) {
    this.deltas = deltas;
  }

  void acknowledged(int partition, long offset) {
    this.offset = offset;
    this.partition = partition; // written last: readers test partition first
  }

  boolean isAcknowledged() {
    return partition >= 0;
  }

  int partition() {
    return partition;
  }

  long offset() {
    return offset;
  }

  void appliedSeenAt(long nanos) {
    if (appliedSeenNanos == 0) {
      appliedSeenNanos = nanos;
    }
  }

  long appliedSeenNanos() {
    return appliedSeenNanos;
  }
}
