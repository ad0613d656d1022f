package io.countctl.edge.http;

import io.countctl.core.ops.ErrorReply;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The edge's most frequent answers, written without a JSON tree: a count reply is the bytes
 * {@code JsonObject.encode()} made of {@code {"count":…,"updated_at":…[,"stale":true]}}, with
 * the ISO-8601 time formatted once per millisecond rather than once per request.
 */
final class Replies {
  static final CharSequence CONTENT_TYPE = HttpHeaders.CONTENT_TYPE;
  static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
  private static final byte[] COUNT = ascii("{\"count\":");
  private static final byte[] UPDATED = ascii(",\"updated_at\":");
  private static final byte[] NULL = ascii("null");
  private static final byte[] STALE = ascii(",\"stale\":true");

  /** The last millisecond formatted, shared by every event loop (immutable, so a racy update is harmless). */
  private record Stamp(long millis, byte[] quoted) {}

  private Stamp stamp = new Stamp(Long.MIN_VALUE, NULL);

  /** The body of a count answer; {@code updatedMillis} 0 is {@code null}. */
  Buffer count(long count, long updatedMillis, boolean stale) {
    byte[] time = updatedMillis == 0 ? NULL : quoted(updatedMillis);
    Buffer b = Buffer.buffer(COUNT.length + 20 + UPDATED.length + time.length + STALE.length + 1);
    b.appendBytes(COUNT);
    appendLong(b, count);
    b.appendBytes(UPDATED).appendBytes(time);
    if (stale) {
      b.appendBytes(STALE);
    }
    return b.appendByte((byte) '}');
  }

  /** {@code "<Instant.toString()>"}, from the cache when the millisecond is the last one formatted. */
  private byte[] quoted(long millis) {
    Stamp s = stamp;
    if (s.millis() != millis) {
      s = new Stamp(millis, ascii("\"" + Instant.ofEpochMilli(millis) + "\""));
      stamp = s;
    }
    return s.quoted();
  }

  private static void appendLong(Buffer b, long v) {
    if (v == Long.MIN_VALUE) {
      b.appendString(Long.toString(v));
      return;
    }
    if (v < 0) {
      b.appendByte((byte) '-');
      v = -v;
    }
    long div = 1;
    while (div <= v / 10) {
      div *= 10;
    }
    for (; div > 0; div /= 10) {
      b.appendByte((byte) ('0' + v / div % 10));
    }
  }

  /** As {@link ErrorReply#send}, for a response outside the router. */
  static void error(HttpServerResponse response, int status, String code, String message) {
    if (response.ended()) {
      return;
    }
    response.setStatusCode(status).putHeader(CONTENT_TYPE, JSON);
    if (status == 503 || status == 429) {
      response.putHeader("Retry-After", "1");
    }
    response.end(ErrorReply.body(code, message).encode());
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
