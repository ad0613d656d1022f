package io.countctl.edge.ingest;

import io.countctl.core.config.AckMode;
import io.countctl.edge.http.BadRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Takes validated writes into the edge's table and tells when they may be acknowledged: at once
 * in buffered mode, when their flush is durable in Kafka in durable mode (a group commit shared by
 * every request of the interval).
 */
public final class WritePath {
  private static final CompletableFuture<Void> NOW = CompletableFuture.completedFuture(null);

  private final EdgeAggregator aggregator;
  private final Admission admission;
  private final AckMode ackMode;
  private final Counter increments;
  private final Counter decrements;

  public WritePath(EdgeAggregator aggregator, Admission admission, AckMode ackMode, MeterRegistry metrics) {
    this.aggregator = aggregator;
    this.admission = admission;
    this.ackMode = ackMode;
    this.increments = metrics.counter("count_edge_writes_total", "action", "increment");
    this.decrements = metrics.counter("count_edge_writes_total", "action", "decrement");
  }

  /**
   * Records one write.
   *
   * @return completes when the write may be acknowledged; fails when Kafka did not confirm in time
   */
  public CompletableFuture<Void> write(WriteRequest w) {
    admission.check();
    return settle(add(w));
  }

  /** Records all writes of a batch request; they become durable together. */
  public CompletableFuture<Void> writeAll(List<WriteRequest> writes) {
    admission.check();
    FlushGeneration last = null;
    for (WriteRequest w : writes) {
      last = add(w);
    }
    return last == null ? NOW : settle(last);
  }

  private FlushGeneration add(WriteRequest w) {
    FlushGeneration gen;
    try {
      // Writes without a token (the common case) cost a CAS; keyed ones travel on their own (the
      // worker folds their user/item only if the token is new); unkeyed ones with a user or item
      // also queue those for the flusher's sketches.
      if (w.token() != null) {
        gen = aggregator.addKeyed(w.keyed());
      } else if (w.sketched()) {
        gen = aggregator.addSketched(w.key(), w.by(), w.user(), w.item());
      } else {
        gen = aggregator.add(w.key(), w.increment(), w.by());
      }
    } catch (ArithmeticException e) {
      throw new BadRequest(409, "overflow", "counter " + w.key() + " would overflow a 64-bit count");
    }
    (w.increment() ? increments : decrements).increment(w.by());
    return gen;
  }

  private CompletableFuture<Void> settle(FlushGeneration gen) {
    // Generations become durable in order, so the last one covers every earlier write.
    return ackMode == AckMode.DURABLE ? gen.answer() : NOW;
  }
}
