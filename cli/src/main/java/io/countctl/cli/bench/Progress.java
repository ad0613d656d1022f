package io.countctl.cli.bench;

import java.io.PrintStream;
import org.HdrHistogram.Histogram;

/** Prints one progress line a second while the load runs: rate, p50/p99 of the last second, errors. */
final class Progress {
  private final LoadGenerator load;
  private final PrintStream err;
  private final Histogram total = new Histogram(3);
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
    Histogram interval = null;
    while (running) {
      try {
        Thread.sleep(1_000); // the progress period
      } catch (InterruptedException e) {
        break;
      }
      interval = load.latency.getIntervalHistogram(interval);
      synchronized (total) {
        total.add(interval);
      }
      long acked = load.acked.sum();
      err.printf("[%3ds] %,8d writes/s  p50 %6.2f ms  p99 %7.2f ms  errors %,d%n",
          (System.nanoTime() - startNanos) / 1_000_000_000L, acked - lastAcked,
          interval.getValueAtPercentile(50) / 1000.0, interval.getValueAtPercentile(99) / 1000.0, load.errors.sum());
      lastAcked = acked;
    }
  }

  void stop() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join();
    synchronized (total) {
      total.add(load.latency.getIntervalHistogram());
    }
  }

  Histogram total() {
    synchronized (total) {
      return total.copy();
    }
  }
}
