package io.countctl.downtime.notify;

import java.time.Duration;

/**
 * How hard to try a frontend: {@code attempts} calls, waiting {@code firstBackoff}, then twice as
 * long each time, between them; each call may take up to {@code callTimeout}.
 */
public record RetryPolicy(int attempts, Duration firstBackoff, Duration callTimeout) {
  /** Four calls over about 1.5 s: a frontend that misses all of them is gone, not slow. */
  public static final RetryPolicy DEFAULT = new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(2));

  public RetryPolicy {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1");
    }
  }

  public Duration backoffBefore(int attempt) {
    return firstBackoff.multipliedBy(1L << Math.min(attempt - 2, 16));
  }
}
