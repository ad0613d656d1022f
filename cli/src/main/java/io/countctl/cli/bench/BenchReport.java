package io.countctl.cli.bench;

import java.util.Map;

/**
 * What a bench run found. {@code lost} and {@code duplicated} are in counted units (the sum of
 * {@code by}): acknowledged writes missing from, or counted beyond, the final counts. Latencies
 * ({@code p50Millis} …) are measured from each request's send; the {@code corrected…} ones are
 * corrected for coordinated omission against the {@code --rate} schedule (the same without it).
 * {@code targetRate} is 0 without {@code --rate}; {@code rateReached} says whether the schedule
 * was kept (at most 1 % of its slots missed because their connection was still waiting).
 */
public record BenchReport(
    long acked,
    long errors,
    long uncertain,
    long expectedNet,
    long countedNet,
    long lost,
    long duplicated,
    boolean converged,
    double seconds,
    double requestsPerSecond,
    double p50Millis,
    double p90Millis,
    double p99Millis,
    double maxMillis,
    Map<String, Long> errorsByStatus,
    int connections,
    double targetRate,
    double sentPerSecond,
    long missedSlots,
    boolean rateReached,
    double correctedP50Millis,
    double correctedP90Millis,
    double correctedP99Millis,
    double correctedMaxMillis) {

  public boolean exact() {
    return converged && lost == 0 && duplicated == 0;
  }
}
