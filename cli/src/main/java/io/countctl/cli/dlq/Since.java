package io.countctl.cli.dlq;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** {@code --since}: an ISO-8601 instant, or a duration back from now ({@code 90m}, {@code 24h}, {@code 7d}, {@code PT1H}). */
final class Since {
  private Since() {}

  /** The earliest time to include; {@link Instant#MIN} when {@code value} is null (everything). */
  static Instant parse(String value, Instant now) {
    if (value == null || value.isBlank()) {
      return Instant.MIN;
    }
    String v = value.trim();
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException notInstant) {
      // a duration, below
    }
    try {
      String upper = v.toUpperCase(Locale.ROOT);
      Duration d;
      if (upper.startsWith("P")) {
        d = Duration.parse(upper);
      } else if (upper.endsWith("D")) {
        d = Duration.parse("P" + upper);
      } else {
        d = Duration.parse("PT" + upper);
      }
      if (d.isNegative()) {
        throw new DlqException("--since must not be negative, got '" + value + "'");
      }
      return now.minus(d);
    } catch (DateTimeParseException e) {
      throw new DlqException("--since must be an ISO-8601 time (2026-12-01T10:00:00Z) or a duration (90m, 24h, 7d, PT1H), got '"
          + value + "'");
    }
  }
}
