package io.countctl.edge.ingest;

import io.countctl.api.config.AckMode;
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
  private final IdempotencyKeys keys;
  private final Counter increments;
  private final Counter decrements;

  public WritePath(EdgeAggregator aggregator, Admission admission, AckMode ackMode, MeterRegistry metrics) {
    this(aggregator, admission, ackMode, IdempotencyKeys.UNCHECKED, metrics);
  }

  public WritePath(EdgeAggregator aggregator, Admission admission, AckMode ackMode, IdempotencyKeys keys,
      MeterRegistry metrics) {
    this.keys = keys;
    this.aggregator = aggregator;
    this.admission = admission;
    this.ackMode = ackMode;
    this.increments = Counter.builder("count_edge_writes_total")
        .description("writes accepted by this edge, by action (a write of by=n counts once)").tags("action", "increment").register(metrics);
    this.decrements = Counter.builder("count_edge_writes_total")
        .description("writes accepted by this edge, by action (a write of by=n counts once)").tags("action", "decrement").register(metrics);
  }

  /**
   * Records one write.
   *
   * @return completes when the write may be acknowledged; fails when Kafka did not confirm in
   *     time, or with a {@link BadRequest} (422) when its Idempotency-Key belongs to another write
   */
  public CompletableFuture<Void> write(WriteRequest w) {
    admission.check();
    if (w.token() == null) {
      return settle(add(w, true));
    }
    return keys.reserve(List.of(w.keyed())).thenCompose(r -> {
      if (r.refused()) {
        throw reused("");
      }
      return settle(add(w, r.firstUse(0)));
    });
  }

  /**
   * Records all writes of a batch request, all or nothing: every entry is checked (idempotency
   * keys, overflow) before any is added, and they become durable together (one generation).
   *
   * @return as {@link #write}; a refused entry is named in the error
   */
  public CompletableFuture<Void> writeAll(List<WriteRequest> writes) {
    admission.check();
    List<Integer> keyedAt = new java.util.ArrayList<>();
    List<io.countctl.core.batch.KeyedDelta> keyed = new java.util.ArrayList<>();
    for (int i = 0; i < writes.size(); i++) {
      if (writes.get(i).token() != null) {
        keyedAt.add(i);
        keyed.add(writes.get(i).keyed());
      }
    }
    if (keyed.isEmpty()) {
      return settle(addAll(writes, i -> true));
    }
    return keys.reserve(keyed).thenCompose(r -> {
      if (r.refused()) {
        throw reused("writes[" + keyedAt.get(r.conflict()) + "]: ");
      }
      java.util.Set<Integer> shown = new java.util.HashSet<>();
      for (int j = 0; j < keyedAt.size(); j++) {
        if (r.firstUse(j)) {
          shown.add(keyedAt.get(j));
        }
      }
      return settle(addAll(writes, shown::contains));
    });
  }

  private static BadRequest reused(String where) {
    return new BadRequest(422, "idempotency_key_reused", where
        + "this Idempotency-Key was already used for a different write of this counter (another action, by, user or"
        + " item); nothing was counted: use a new key for a new write, the same key only to retry the same write");
  }

  private FlushGeneration addAll(List<WriteRequest> writes, java.util.function.IntPredicate shown) {
    if (writes.isEmpty()) {
      return null;
    }
    FlushGeneration gen;
    try {
      gen = aggregator.addAll(writes, shown);
    } catch (ArithmeticException e) {
      throw new BadRequest(409, "overflow", "a counter of the batch would overflow a 64-bit count; nothing was added");
    }
    for (WriteRequest w : writes) {
      (w.increment() ? increments : decrements).increment(w.by());
    }
    return gen;
  }

  /** @param shown for a keyed write: whether reads may add it before the store has it */
  private FlushGeneration add(WriteRequest w, boolean shown) {
    FlushGeneration gen;
    try {
      // Writes without a token (the common case) cost a CAS; keyed ones travel on their own (the
      // worker folds their user/item only if the token is new); unkeyed ones with a user or item
      // also queue those for the flusher's sketches.
      if (w.token() != null) {
        gen = aggregator.addKeyed(w.keyed(), shown);
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
    if (gen == null) {
      return NOW;
    }
    // Generations become durable in order, so the last one covers every earlier write.
    return ackMode == AckMode.DURABLE ? gen.answer() : NOW;
  }
}
