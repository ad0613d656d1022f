package io.countctl.edge;

import io.countctl.core.store.CounterStore;
import io.countctl.edge.ingest.InFlightBatches;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A virtual thread that keeps two facts fresh without any I/O on the event loop: whether Redis
 * answers (reported to the read cache, which answers stale while it does not), and which of this
 * edge's flushed batches the workers have applied (so the in-flight list drains even when nobody
 * reads).
 */
final class StoreWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StoreWatch.class);
  private static final long POLL_MS = 50;

  private final CounterStore store;
  private final InFlightBatches inFlight;
  private final Thread thread;
  private volatile boolean running = true;
  private final java.util.function.Consumer<Boolean> answered;
  private volatile String problem = "";

  StoreWatch(CounterStore store, InFlightBatches inFlight, java.util.function.Consumer<Boolean> answered) {
    this.store = store;
    this.inFlight = inFlight;
    this.answered = answered;
    this.thread = Thread.ofVirtual().name("edge-store-watch").unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  private void run() {
    long lastPing = 0;
    while (running) {
      try {
        if (inFlight.awaitingApply()) {
          inFlight.observeApplied(store.appliedOffsets());
          lastPing = System.nanoTime();
        } else if (System.nanoTime() - lastPing > 1_000_000_000L) {
          store.ping();
          lastPing = System.nanoTime();
        }
        if (!problem.isEmpty()) {
          log.info("Redis reachable again");
        }
        problem = "";
        answered.accept(true);
      } catch (RuntimeException e) {
        if (problem.isEmpty()) {
          log.warn("Redis unreachable: {}", e.toString());
        }
        problem = "Redis unreachable: " + e.getMessage();
        answered.accept(false);
      }
      try {
        Thread.sleep(POLL_MS); // a poll interval, not a wait for a condition
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
