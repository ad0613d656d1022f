package io.countctl.core.counter;

/**
 * A PN-counter: increments ({@code p}) and decrements ({@code n}) kept apart, both never negative.
 * The value is {@code p - n}. Adding refuses to overflow rather than wrap; merging two replicas of
 * the same region's state takes the maximum of each part, so re-delivery is harmless.
 */
public record PnCounter(long p, long n) {

  public static final PnCounter ZERO = new PnCounter(0, 0);

  public PnCounter {
    if (p < 0 || n < 0) {
      throw new IllegalArgumentException("PN-counter parts must not be negative: p=" + p + " n=" + n);
    }
  }

  /** The count this state stands for. */
  public long value() {
    return p - n; // both parts are >= 0, so this cannot overflow
  }

  /** Sum of two deltas; throws {@link ArithmeticException} on overflow. */
  public PnCounter plus(PnCounter other) {
    return new PnCounter(Math.addExact(p, other.p), Math.addExact(n, other.n));
  }

  /** Join of two observations of the same replica: the larger of each part. */
  public PnCounter merge(PnCounter other) {
    return new PnCounter(Math.max(p, other.p), Math.max(n, other.n));
  }

  public boolean isZero() {
    return p == 0 && n == 0;
  }
}
