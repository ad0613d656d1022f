package io.countctl.core.sketch;

/** A distinct-count estimate and its 95 % confidence bounds. */
public record UniqueEstimate(long estimate, long lower, long upper) {
  public static final UniqueEstimate NONE = new UniqueEstimate(0, 0, 0);
}
