package io.countctl.core.key;

import java.util.Optional;

/**
 * The address of one count: the thing counted ({@code id}: a post, a video) and the counter's
 * name ({@code counter}: likes, views). Rendered as {@code id/counter}, which is why neither part
 * may contain a slash.
 */
public record CounterKey(String id, String counter) {

  /** Longest id accepted, in characters. */
  public static final int MAX_ID_LENGTH = 256;
  /** Longest counter name accepted, in characters. */
  public static final int MAX_COUNTER_LENGTH = 64;

  public CounterKey {
    problem(id, counter).ifPresent(p -> {
      throw new InvalidKeyException(p);
    });
  }

  /** Why {@code id}/{@code counter} is not a valid key, or empty when it is. */
  public static Optional<String> problem(String id, String counter) {
    return partProblem("id", id, MAX_ID_LENGTH).or(() -> partProblem("counter", counter, MAX_COUNTER_LENGTH));
  }

  private static Optional<String> partProblem(String what, String value, int max) {
    if (value == null || value.isEmpty()) {
      return Optional.of(what + " must not be empty");
    }
    if (value.length() > max) {
      return Optional.of(what + " is longer than " + max + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      // '/' separates id and counter, ',' separates keys in stream queries; whitespace and
      // control characters would make keys ambiguous in logs, Redis and SSE.
      if (c == '/' || c == ',' || Character.isWhitespace(c) || Character.isISOControl(c)) {
        return Optional.of(what + " must not contain '/', ',', whitespace or control characters");
      }
    }
    return Optional.empty();
  }

  /** Parses {@code id/counter}. */
  public static CounterKey parse(String text) {
    int slash = text == null ? -1 : text.indexOf('/');
    if (slash < 0) {
      throw new InvalidKeyException("expected <id>/<counter>, got '" + text + "'");
    }
    return new CounterKey(text.substring(0, slash), text.substring(slash + 1));
  }

  // Written out: the record's generated equals (an invokedynamic method-handle chain) showed as
  // 7 % of an edge's CPU in a profile, and every table, cache and floor lookup calls it.
  @Override
  public boolean equals(Object o) {
    return o instanceof CounterKey k && id.equals(k.id) && counter.equals(k.counter);
  }

  @Override
  public int hashCode() {
    return 31 * id.hashCode() + counter.hashCode();
  }

  @Override
  public String toString() {
    return id + "/" + counter;
  }
}
