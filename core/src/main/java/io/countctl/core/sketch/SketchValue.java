package io.countctl.core.sketch;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The checks on a write's {@code user} and {@code item}: what a sketch may be fed. */
public final class SketchValue {
  public static final int MAX_BYTES = 256;

  private SketchValue() {}

  /** Why {@code value} cannot feed a sketch (naming {@code field}), or empty if it can. */
  public static Optional<String> problem(String field, String value) {
    if (value.isEmpty()) {
      return Optional.of(field + " must not be empty");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return Optional.of(field + " must not contain control characters");
      }
    }
    if (value.length() > MAX_BYTES / 3 && value.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      return Optional.of(field + " must be at most " + MAX_BYTES + " bytes of UTF-8");
    }
    return Optional.empty();
  }
}
