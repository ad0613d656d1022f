package io.countctl.operator.api;

/** Patterns and bounds shared by the schema annotations and the reconciler's own checks. */
public final class CounterSpecs {
  /** A region name: a DNS label. */
  public static final String REGION_PATTERN = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";
  /** A counter name as the edges accept it (no '/', ',' or white space, at most 64 characters). */
  public static final String COUNTER_NAME_PATTERN = "^[^/,\\s]{1,64}$";
  public static final int MIN_FLUSH_MS = 1;
  public static final int MAX_FLUSH_MS = 60_000;

  private CounterSpecs() {
  }
}
