package io.countctl.cli.bench;

/**
 * What a bench run found. {@code lost} and {@code duplicated} are in counted units (the sum of
 * {@code by}): acknowledged writes missing from, or counted beyond, the final counts.
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
    double maxMillis) {

  public boolean exact() {
    return converged && lost == 0 && duplicated == 0;
  }
}
