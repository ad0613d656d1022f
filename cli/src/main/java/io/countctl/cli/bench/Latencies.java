package io.countctl.cli.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Response times in microseconds, twice: as measured from each request's send (uncorrected), and
 * corrected for coordinated omission with HdrHistogram's expected-interval correction, as wrk2
 * does — a response that took {@code n} intervals stands for the {@code n - 1} requests a
 * fixed-rate client would have sent meanwhile and which would have waited too. Without a
 * schedule (the closed loop, {@code expectedIntervalMicros == 0}) both are the same. Recorders
 * are safe to write from several event loops and to read from the progress thread.
 */
final class Latencies {
  private final long expectedIntervalMicros;
  private final Recorder uncorrected = new Recorder(3);
  private final Recorder corrected = new Recorder(3);

  Latencies(long expectedIntervalMicros) {
    this.expectedIntervalMicros = expectedIntervalMicros;
  }

  void record(long micros) {
    long v = Math.max(1, micros);
    uncorrected.recordValue(v);
    if (expectedIntervalMicros > 0) {
      corrected.recordValueWithExpectedInterval(v, expectedIntervalMicros);
    } else {
      corrected.recordValue(v);
    }
  }

  long expectedIntervalMicros() {
    return expectedIntervalMicros;
  }

  /** What was recorded since the last call (into {@code reuse} when given). */
  Histogram uncorrectedInterval(Histogram reuse) {
    return uncorrected.getIntervalHistogram(reuse);
  }

  Histogram correctedInterval(Histogram reuse) {
    return corrected.getIntervalHistogram(reuse);
  }
}
