package io.countctl.edge.ingest;

import io.countctl.core.store.CounterStore;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Takes the edge's epoch from the store at start ({@link CounterStore#nextEpoch}), never from the clock alone. */
public final class Epochs {
  private static final Logger log = LoggerFactory.getLogger(Epochs.class);

  private Epochs() {}

  /**
   * Asks the store for a new epoch, retrying while it is unreachable for up to {@code patience}.
   *
   * @throws IllegalStateException when the store did not answer in time (the edge cannot start)
   */
  public static long take(CounterStore store, Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      try {
        return store.nextEpoch(System.currentTimeMillis());
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("cannot take an epoch from Redis: " + e.getMessage(), e);
        }
        log.warn("cannot take an epoch from Redis yet ({}); retrying", e.toString());
        try {
          Thread.sleep(500);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while taking an epoch", ie);
        }
      }
    }
  }
}
