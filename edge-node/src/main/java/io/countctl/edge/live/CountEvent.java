package io.countctl.edge.live;

import io.countctl.core.key.CounterKey;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One counter's value as pushed to SSE clients, with the counter's version in Redis that the value
 * is based on (streams never send a version not newer than one they sent).
 */
public record CountEvent(CounterKey key, long count, long updatedAtMillis, long version) {
  /** Largest magnitude a JavaScript number holds exactly. */
  private static final long JS_SAFE = (1L << 53) - 1;

  /**
   * The event's JSON: {@code count} as a number, and as {@code count_string} too when a JavaScript
   * client would lose precision reading the number.
   */
  public JsonObject json() {
    JsonObject o = new JsonObject()
        .put("id", key.id())
        .put("counter", key.counter())
        .put("count", count)
        .put("updated_at", updatedAtMillis == 0 ? null : Instant.ofEpochMilli(updatedAtMillis).toString())
        .put("version", version);
    if (count > JS_SAFE || count < -JS_SAFE) {
      o.put("count_string", Long.toString(count));
    }
    return o;
  }
}
