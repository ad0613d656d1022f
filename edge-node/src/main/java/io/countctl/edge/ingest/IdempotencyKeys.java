package io.countctl.edge.ingest;

import io.countctl.core.batch.KeyedDelta;
import io.countctl.core.store.CounterStore;
import io.countctl.core.store.KeyReservation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds each {@code Idempotency-Key} to the write it was first used for, before the edge accepts
 * the write ({@link CounterStore#reserveKeys}): a key reused on its counter for another write is
 * refused ({@code 422}) instead of silently not counting. Keys are per counter, so the same token
 * on another counter is simply another write.
 *
 * <p>The check costs one Redis round trip per keyed request, off the event loop. When Redis does
 * not answer within {@link #PATIENCE} the write is accepted unchecked (counted once all the same:
 * the worker decides that), so a store outage does not stop keyed writes; only the refusal of a
 * reused key is lost then ({@code count_edge_idempotency_unchecked_total}).
 *
 * <p>The answer also tells which writes' keys were already bound to the same write (retries): the
 * edge sends them but leaves them out of its read view, whose first attempt may hold them already.
 * An unchecked write is treated the same way (it may be a retry), so reads never count one twice.
 */
public final class IdempotencyKeys {
  private static final Logger log = LoggerFactory.getLogger(IdempotencyKeys.class);
  /** How long a keyed write waits for the check at most. */
  public static final Duration PATIENCE = Duration.ofSeconds(1);
  /** No check at all (tests of other parts; every key is free, each write a first use). */
  public static final IdempotencyKeys UNCHECKED = new IdempotencyKeys(null, null, null);

  private final CounterStore store;
  private final Executor blocking;
  private final Counter unchecked;

  public IdempotencyKeys(CounterStore store, Executor blocking, MeterRegistry metrics) {
    this.store = store;
    this.blocking = blocking;
    this.unchecked = metrics == null ? null : Counter.builder("count_edge_idempotency_unchecked_total")
        .description("keyed writes counted without checking their Idempotency-Key because Redis did not answer").register(metrics);
  }

  /**
   * Takes the writes' keys, all or nothing.
   *
   * @return completes with what the store found ({@link KeyReservation#UNCHECKED} when it did not
   *     answer in time); never fails
   */
  CompletableFuture<KeyReservation> reserve(List<KeyedDelta> writes) {
    if (store == null || writes.isEmpty()) {
      return CompletableFuture.completedFuture(new KeyReservation(-1, java.util.Set.of(), true));
    }
    return CompletableFuture.supplyAsync(() -> store.reserveKeys(writes), blocking)
        .completeOnTimeout(KeyReservation.UNCHECKED, PATIENCE.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(e -> {
          log.debug("idempotency keys not checked: {}", e.toString());
          return KeyReservation.UNCHECKED;
        })
        .thenApply(r -> {
          if (!r.checked()) {
            unchecked.increment(writes.size());
          }
          return r;
        });
  }
}
