package io.countctl.cli.bench;

import java.io.PrintStream;
import org.HdrHistogram.Histogram;

/**
 * Prints one progress line a second while the load runs: rate, p50/p99 of the last second (the
 * coordinated-omission-corrected p99 too in {@code --rate} mode), errors; and sums the seconds.
 */
final class Progress {
  private final LoadGenerator load;
  private final PrintStream err;
  private final Histogram uncorrected = new Histogram(3);
  private final Histogram corrected = new Histogram(3);
  private Thread thread;
  private volatile boolean running = true;

  Progress(LoadGenerator load, PrintStream err) {
    this.load = load;
    this.err = err;
  }

  void start() {
    thread = Thread.ofPlatform().daemon(true).name("bench-progress").start(this::run);
  }

  private void run() {
    long startNanos = System.nanoTime();
    long lastAcked = 0;
    Histogram u = null;
    Histogram c = null;
    boolean paced = load.latencies().expectedIntervalMicros() > 0;
    while (running) {
      try {
        Thread.sleep(1_000); // the progress period
      } catch (InterruptedException e) {
        break;
      }
      u = load.latencies().uncorrectedInterval(u);
      c = load.latencies().correctedInterval(c);
      synchronized (this) {
        uncorrected.add(u);
        corrected.add(c);
      }
      long acked = load.acked.sum();
      err.printf("[%3ds] %,8d writes/s  p50 %6.2f ms  p99 %7.2f ms%s  errors %,d%s%n",
          (System.nanoTime() - startNanos) / 1_000_000_000L, acked - lastAcked,
          u.getValueAtPercentile(50) / 1000.0, u.getValueAtPercentile(99) / 1000.0,
          paced ? String.format(" (corrected %7.2f ms)", c.getValueAtPercentile(99) / 1000.0) : "", load.errors.sum(),
          load.warmingUp() ? "  (warm-up: not measured)" : "");
      lastAcked = acked;
    }
  }

  void stop() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join();
    synchronized (this) {
      uncorrected.add(load.latencies().uncorrectedInterval(null));
      corrected.add(load.latencies().correctedInterval(null));
    }
  }

  /** Response times from each request's send, in µs. */
  synchronized Histogram total() {
    return uncorrected.copy();
  }

  /** The same corrected for coordinated omission (equal to {@link #total()} without {@code --rate}). */
  synchronized Histogram corrected() {
    return corrected.copy();
  }
}
