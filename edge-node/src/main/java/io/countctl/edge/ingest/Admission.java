package io.countctl.edge.ingest;

import io.countctl.edge.http.BadRequest;
import java.time.Duration;

/**
 * Refuses writes (503 + Retry-After) instead of letting memory grow: when the table holds too many
 * counters, or when Kafka has taken no record for too long (unreachable).
 */
public final class Admission {
  private final EdgeAggregator aggregator;
  private final DeltaFlusher flusher;
  private final int maxPendingCounters;
  private final Duration maxStall;

  public Admission(EdgeAggregator aggregator, DeltaFlusher flusher, int maxPendingCounters, Duration maxStall) {
    this.aggregator = aggregator;
    this.flusher = flusher;
    this.maxPendingCounters = maxPendingCounters;
    this.maxStall = maxStall;
  }

  /** @throws BadRequest with status 503 when the edge cannot take writes now */
  public void check() {
    if (flusher.stalledFor().compareTo(maxStall) > 0) {
      throw new BadRequest(503, "kafka_unavailable",
          "the edge cannot reach Kafka (no acknowledgement for " + flusher.stalledFor().toSeconds() + " s); retry later");
    }
    if (aggregator.size() >= maxPendingCounters) {
      throw new BadRequest(503, "overloaded", "the edge holds " + maxPendingCounters + " unflushed counters; retry later");
    }
  }

  /** Empty when writes are accepted, else why not (for /readyz). */
  public String problem() {
    try {
      check();
      return "";
    } catch (BadRequest e) {
      return e.getMessage();
    }
  }
}
