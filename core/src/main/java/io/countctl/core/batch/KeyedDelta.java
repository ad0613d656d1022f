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

  /**
   * The key's identity: the counter and the token, {@code <id>/<counter>/<token>} (ids and names
   * hold no {@code /}). A token is one namespace per counter: the same token on another counter is
   * another write.
   */
  public String scope() {
    return key + "/" + token;
  }

  /** The token of a {@link #scope()}. */
  public static String tokenOf(String scope) {
    return scope.substring(scope.indexOf('/', scope.indexOf('/') + 1) + 1);
  }

  /**
   * What the write does, hashed (SHA-256, first 12 bytes, base64url): a key reused for another
   * write of its counter (other action, amount, user or item) has another fingerprint.
   */
  public String fingerprint() {
    StringBuilder s = new StringBuilder(64).append(change.p()).append(':').append(change.n());
    for (String part : new String[] {user, item}) {
      s.append(':').append(part == null ? -1 : part.length()).append(':').append(part == null ? "" : part);
    }
    try {
      byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(h, 12));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
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
