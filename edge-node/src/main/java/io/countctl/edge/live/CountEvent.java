package io.countctl.edge.live;

import io.countctl.core.key.CounterKey;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Objects;

/**
 * One counter's value as pushed to SSE clients, with the counter's version in Redis that the value
 * is based on (streams never send a version not newer than one they sent).
 *
 * <p>A class rather than a record only to keep its JSON: one event goes to every stream watching
 * the counter (thousands for a hot one), and is encoded once for all of them.
 */
public final class CountEvent {
  /** Largest magnitude a JavaScript number holds exactly. */
  private static final long JS_SAFE = (1L << 53) - 1;

  private final CounterKey key;
  private final long count;
  private final long updatedAtMillis;
  private final long version;
  /** {@link #json()} encoded, made on first use; a race only encodes it twice (Strings are immutable). */
  private String encoded;

  public CountEvent(CounterKey key, long count, long updatedAtMillis, long version) {
    this.key = Objects.requireNonNull(key);
    this.count = count;
    this.updatedAtMillis = updatedAtMillis;
    this.version = version;
  }

  public CounterKey key() {
    return key;
  }

  public long count() {
    return count;
  }

  public long updatedAtMillis() {
    return updatedAtMillis;
  }

  public long version() {
    return version;
  }

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

  /** {@link #json()} as the text of an SSE {@code data:} line. */
  String encoded() {
    String e = encoded;
    if (e == null) {
      e = json().encode();
      encoded = e;
    }
    return e;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CountEvent e && e.key.equals(key) && e.count == count && e.updatedAtMillis == updatedAtMillis
        && e.version == version;
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, count, updatedAtMillis, version);
  }

  @Override
  public String toString() {
    return "CountEvent[key=" + key + ", count=" + count + ", updatedAtMillis=" + updatedAtMillis + ", version=" + version + "]";
  }
}
