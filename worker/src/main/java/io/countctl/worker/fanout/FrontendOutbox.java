package io.countctl.worker.fanout;

import io.countctl.core.key.CounterKey;
import io.countctl.core.totals.TotalChange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The changes waiting for one frontend's webhook. At most one call is in flight per frontend, so a
 * slow frontend gets fewer, larger calls instead of a pile of concurrent ones; changes arriving
 * meanwhile are coalesced (newest version per counter wins). A failed call's changes go back in
 * (unless something newer came) and are retried after a back-off, so a short pause of the frontend
 * loses nothing. After {@code maxFailures} failures in a row the frontend counts as gone.
 * Thread-safe: offered on the fan-out thread, completed on the HTTP client's threads.
 */
final class FrontendOutbox {
  private static final long BACKOFF_NANOS = 200_000_000L;
  private static final long MAX_BACKOFF_NANOS = 1_000_000_000L;

  /** What a call's completion did. */
  enum Outcome { DELIVERED, RETRYING, GONE }

  private final String frontend;
  private final int maxFailures;
  private final Map<CounterKey, TotalChange> pending = new LinkedHashMap<>();
  private boolean inFlight;
  private int failures;
  private long notBeforeNanos;
  private boolean gone;

  FrontendOutbox(String frontend, int maxFailures) {
    this.frontend = frontend;
    this.maxFailures = maxFailures;
  }

  String frontend() {
    return frontend;
  }

  synchronized void offer(TotalChange c) {
    merge(c);
  }

  private void merge(TotalChange c) {
    pending.merge(c.key(), c, (old, now) -> now.version() >= old.version() ? now : old);
  }

  synchronized boolean isGone() {
    return gone;
  }

  /**
   * Starts a call with what is pending when none is in flight and the back-off allows; {@code
   * send} makes the call, {@code done} hears how it ended (on the HTTP client's thread).
   */
  void pump(Function<List<TotalChange>, CompletableFuture<Boolean>> send, java.util.function.Consumer<Outcome> done) {
    List<TotalChange> batch;
    synchronized (this) {
      if (gone || inFlight || pending.isEmpty() || System.nanoTime() < notBeforeNanos) {
        return;
      }
      batch = new ArrayList<>(pending.values());
      pending.clear();
      inFlight = true;
    }
    send.apply(batch).whenComplete((ok, error) -> {
      Outcome outcome;
      synchronized (this) {
        inFlight = false;
        if (error == null && Boolean.TRUE.equals(ok)) {
          failures = 0;
          outcome = Outcome.DELIVERED;
        } else {
          failures++;
          if (failures >= maxFailures) {
            gone = true;
            pending.clear();
            outcome = Outcome.GONE;
          } else {
            batch.forEach(this::merge);
            notBeforeNanos = System.nanoTime() + Math.min(MAX_BACKOFF_NANOS, BACKOFF_NANOS << (failures - 1));
            outcome = Outcome.RETRYING;
          }
        }
      }
      done.accept(outcome);
      if (outcome == Outcome.DELIVERED) {
        pump(send, done); // what came in while this call was out
      }
    });
  }
}
