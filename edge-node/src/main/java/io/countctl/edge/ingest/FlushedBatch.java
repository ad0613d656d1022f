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
  /** Summed writes. */
  final Map<CounterKey, PnCounter> deltas;
  /** Writes with an idempotency key, sent one by one. */
  final java.util.List<io.countctl.core.batch.KeyedDelta> keyed;
  /**
   * What the flush adds to sketches, attached by the flusher thread before the batch is encoded
   * (reads do not use it: sketches are read from Redis only).
   */
  final java.util.List<io.countctl.core.sketch.SketchDelta> sketches = new java.util.ArrayList<>();
  /** What reads add per counter while the batch is not applied: both kinds, keyed retries left out. */
  final Map<CounterKey, PnCounter> view;
  /** Order in which batches entered {@link InFlightBatches} (set there, before it is visible). */
  private long number;
  private volatile int partition = -1;
  private volatile long offset = -1;
  private volatile long appliedSeenNanos;

  FlushedBatch(Map<CounterKey, PnCounter> deltas, java.util.List<KeyedWrite> keyed) {
    this.deltas = deltas;
    this.keyed = keyed.stream().map(KeyedWrite::delta).toList();
    if (keyed.isEmpty()) {
      this.view = deltas;
    } else {
      // Keyed writes that may be retries are sent but not shown: their first attempt may already
      // be in the stored total or in another batch, and a read must not count a write twice.
      Map<CounterKey, PnCounter> v = new java.util.HashMap<>(deltas);
      keyed.stream().filter(KeyedWrite::shown).forEach(k -> v.merge(k.delta().key(), k.delta().change(), PnCounter::plus));
      this.view = v;
    }
  }

  void acknowledged(int partition, long offset) {
    this.offset = offset;
    this.partition = partition; // written last: readers test partition first
  }

  void number(long n) {
    this.number = n;
  }

  long number() {
    return number;
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
