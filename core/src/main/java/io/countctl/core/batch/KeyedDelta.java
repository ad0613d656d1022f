package io.countctl.core.batch;

import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;

/**
 * A write that carried an {@code Idempotency-Key}: it travels on its own (never summed with other
 * writes) so the worker can count it only if its token was not counted before. Its {@code user}
 * and {@code item} (null when absent) feed the sketches on the worker, under the same condition.
 */
public record KeyedDelta(String token, CounterKey key, PnCounter change, String user, String item) {
  public static final int MAX_TOKEN_LENGTH = 128;

  public KeyedDelta {
    problem(token).ifPresent(p -> {
      throw new IllegalArgumentException(p);
    });
  }

  public KeyedDelta(String token, CounterKey key, PnCounter change) {
    this(token, key, change, null, null);
  }

  /** Whether the write feeds a sketch. */
  public boolean sketched() {
    return user != null || item != null;
  }

  /** Why a token is refused, or empty: 1 to 128 printable ASCII characters. */
  public static java.util.Optional<String> problem(String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
      return java.util.Optional.of("Idempotency-Key must be 1 to " + MAX_TOKEN_LENGTH + " characters");
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return java.util.Optional.of("Idempotency-Key must be printable ASCII without spaces");
      }
    }
    return java.util.Optional.empty();
  }
}
