package io.countctl.edge.ingest;

import io.vertx.core.buffer.Buffer;

/**
 * Reads the fields of a {@code PUT /v1/{id}/{counter}} body straight from its bytes, for the
 * shapes clients send ({@code {"action":"increment","by":5}}): a flat object whose values are
 * plain ASCII strings or small whole numbers. Building a Jackson tree per write was a fifth of a
 * write's CPU and half its allocation (bench/RESULTS.md, "Edge write and read path: profile").
 *
 * <p>It decides nothing about validity: any byte it is not sure about (an escape, a non-ASCII
 * character, a fraction, a negative or long number, {@code true}/{@code null}, nesting, a repeated
 * field, something after the object) makes it give up, and the caller parses the body with
 * Jackson as before. So every body it reads means the same as under Jackson, and every error is
 * still Jackson's path's error, word for word.
 */
final class WriteBody {
  /** Digits of the longest number taken here; longer ones go to Jackson (it may make a BigInteger). */
  private static final int MAX_DIGITS = 18;

  /** The four fields a write reads: a String, a Long or null each. */
  record Fields(Object action, Object by, Object user, Object item) {}

  private final byte[] buf;
  private final int end;
  private int pos;

  /** A copy of the body's bytes: a few dozen, and array reads are cheaper than the buffer's checked ones. */
  private WriteBody(byte[] buf) {
    this.buf = buf;
    this.end = buf.length;
  }

  /** The body's fields, or null when the body is not one of the simple shapes (parse it with Jackson). */
  static Fields read(Buffer body) {
    if (body == null || body.length() == 0) {
      return null;
    }
    return new WriteBody(body.getBytes()).object();
  }

  private Fields object() {
    skipSpace();
    if (!take('{')) {
      return null;
    }
    Object action = null;
    Object by = null;
    Object user = null;
    Object item = null;
    int seen = 0; // bit per known field: a repeated one is left to Jackson
    skipSpace();
    if (!take('}')) {
      while (true) {
        skipSpace();
        int nameStart = pos + 1;
        if (!skipString()) {
          return null;
        }
        int nameLength = pos - 1 - nameStart;
        skipSpace();
        if (!take(':')) {
          return null;
        }
        skipSpace();
        Object value = value();
        if (value == null) {
          return null;
        }
        int field = field(nameStart, nameLength);
        if (field >= 0) {
          if ((seen & (1 << field)) != 0) {
            return null;
          }
          seen |= 1 << field;
          switch (field) {
            case 0 -> action = value;
            case 1 -> by = value;
            case 2 -> user = value;
            default -> item = value;
          }
        }
        skipSpace();
        if (take('}')) {
          break;
        }
        if (!take(',')) {
          return null;
        }
      }
    }
    skipSpace();
    return pos == end ? new Fields(action, by, user, item) : null;
  }

  /** A string or a whole number from 0 with at most {@link #MAX_DIGITS} digits; null otherwise. */
  private Object value() {
    if (pos >= end) {
      return null;
    }
    byte c = buf[pos];
    if (c == '"') {
      int start = pos + 1;
      if (!skipString()) {
        return null;
      }
      return string(start, pos - 1 - start);
    }
    if (c < '0' || c > '9') {
      return null; // negative, true, false, null, [, {: Jackson's to judge
    }
    int start = pos;
    long n = 0;
    while (pos < end && (c = buf[pos]) >= '0' && c <= '9') {
      n = n * 10 + (c - '0');
      pos++;
    }
    int digits = pos - start;
    if (digits > MAX_DIGITS || (digits > 1 && buf[start] == '0')) {
      return null; // long (BigInteger in Jackson) or a leading zero (an error in Jackson)
    }
    if (pos < end && ((c = buf[pos]) == '.' || c == 'e' || c == 'E')) {
      return null; // a fraction or exponent: a double in Jackson
    }
    return n;
  }

  /** Skips a string of printable ASCII without escapes; false (give up) on anything else. */
  private boolean skipString() {
    if (!take('"')) {
      return false;
    }
    while (pos < end) {
      byte c = buf[pos++];
      if (c == '"') {
        return true;
      }
      if (c < 0x20 || c > 0x7e || c == '\\') {
        return false;
      }
    }
    return false;
  }

  private String string(int start, int length) {
    if (matches(start, length, "increment")) {
      return "increment";
    }
    if (matches(start, length, "decrement")) {
      return "decrement";
    }
    return new String(buf, start, length, java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** 0 action, 1 by, 2 user, 3 item, -1 another name (ignored, as Jackson's path ignores it). */
  private int field(int start, int length) {
    if (matches(start, length, "action")) {
      return 0;
    }
    if (matches(start, length, "by")) {
      return 1;
    }
    if (matches(start, length, "user")) {
      return 2;
    }
    return matches(start, length, "item") ? 3 : -1;
  }

  private boolean matches(int start, int length, String ascii) {
    if (length != ascii.length()) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (buf[start + i] != ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private boolean take(char c) {
    if (pos < end && buf[pos] == c) {
      pos++;
      return true;
    }
    return false;
  }

  private void skipSpace() {
    while (pos < end) {
      byte c = buf[pos];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }
}
