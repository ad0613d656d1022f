package io.countctl.edge.ingest;

import io.countctl.core.key.CounterKey;
import io.countctl.core.key.InvalidKeyException;
import io.countctl.core.sketch.SketchValue;
import io.countctl.edge.http.BadRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * One validated write: which counter, which way, by how much, the client's idempotency key (null
 * when it sent none), and the {@code user} / {@code item} it feeds the counter's sketches with
 * (null when absent; only increments carry them).
 */
public record WriteRequest(CounterKey key, boolean increment, long by, String token, String user, String item) {
  public static final long MAX_BY = 1_000_000;

  /** Parses the body of {@code PUT /v1/{id}/{counter}}, with the {@code Idempotency-Key} header's value or null. */
  public static WriteRequest parse(String id, String counter, Buffer body, String token) {
    CounterKey key = key(id, counter);
    WriteBody.Fields f = WriteBody.read(body); // the usual shapes without a Jackson tree; else Jackson as ever
    WriteRequest w = f != null ? fromFields(key, f.action(), f.by(), f.user(), f.item()) : fromJson(key, object(body));
    return token == null ? w : w.withToken(token);
  }

  WriteRequest withToken(String t) {
    io.countctl.core.batch.KeyedDelta.problem(t).ifPresent(p -> {
      throw new BadRequest("invalid_idempotency_key", p);
    });
    return new WriteRequest(key, increment, by, t, user, item);
  }

  /** Whether the write feeds a sketch (carries a user or an item). */
  public boolean sketched() {
    return user != null || item != null;
  }

  /** The write as a keyed delta (only for writes with a token). */
  public io.countctl.core.batch.KeyedDelta keyed() {
    return new io.countctl.core.batch.KeyedDelta(token, key,
        increment ? new io.countctl.core.counter.PnCounter(by, 0) : new io.countctl.core.counter.PnCounter(0, by),
        user, item);
  }

  /** Parses one entry of {@code POST /v1/batch}: the fields of a PUT body plus id and counter. */
  public static WriteRequest fromEntry(JsonObject entry) {
    Object id = entry.getValue("id");
    Object counter = entry.getValue("counter");
    if (!(id instanceof String) || !(counter instanceof String)) {
      throw new BadRequest("invalid_key", "id and counter must be strings");
    }
    WriteRequest w = fromJson(key((String) id, (String) counter), entry);
    Object token = entry.getValue("idempotency_key");
    if (token == null) {
      return w;
    }
    if (!(token instanceof String t)) {
      throw new BadRequest("invalid_idempotency_key", "idempotency_key must be a string");
    }
    return w.withToken(t);
  }

  /** The key of {@code id}/{@code counter}, or a 400 {@code invalid_key}. */
  public static CounterKey key(String id, String counter) {
    try {
      return new CounterKey(id, counter);
    } catch (InvalidKeyException e) {
      throw new BadRequest("invalid_key", e.getMessage());
    }
  }

  /** The body as a JSON object, or a 400 that says what was expected. */
  public static JsonObject object(Buffer body, String expected) {
    if (body != null && body.length() > 0) {
      try {
        return new JsonObject(body); // refuses arrays, scalars and broken JSON alike
      } catch (DecodeException | ClassCastException e) {
        // same answer as an empty body
      }
    }
    throw new BadRequest("malformed_json", "the body must be a JSON object such as " + expected);
  }

  static JsonObject object(Buffer body) {
    return object(body, "{\"action\":\"increment\"}");
  }

  static WriteRequest fromJson(CounterKey key, JsonObject json) {
    return fromFields(key, json.getValue("action"), json.getValue("by"), json.getValue("user"), json.getValue("item"));
  }

  /** Validates a write's fields as a JSON object holds them (a String, a number, anything else or null each). */
  static WriteRequest fromFields(CounterKey key, Object action, Object byValue, Object userValue, Object itemValue) {
    boolean increment;
    if ("increment".equals(action)) {
      increment = true;
    } else if ("decrement".equals(action)) {
      increment = false;
    } else {
      throw new BadRequest("invalid_action", "action must be \"increment\" or \"decrement\", got " + describe(action));
    }
    long by = by(byValue);
    String user = sketchField("user", userValue);
    String item = sketchField("item", itemValue);
    if (!increment && (user != null || item != null)) {
      throw new BadRequest("invalid_sketch_field",
          "sketches count increments only: a decrement cannot carry " + (user != null ? "user" : "item"));
    }
    return new WriteRequest(key, increment, by, null, user, item);
  }

  /** A {@code user} or {@code item}: absent (null), or a string a sketch may take; else a 400 {@code invalid_<field>}. */
  private static String sketchField(String field, Object v) {
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new BadRequest("invalid_" + field, field + " must be a string, got " + describe(v));
    }
    SketchValue.problem(field, s).ifPresent(p -> {
      throw new BadRequest("invalid_" + field, p);
    });
    return s;
  }

  private static long by(Object by) {
    if (by == null) {
      return 1;
    }
    if (!(by instanceof Integer || by instanceof Long)) {
      throw new BadRequest("invalid_by", "by must be a whole number from 1 to " + MAX_BY + ", got " + describe(by));
    }
    long n = ((Number) by).longValue();
    if (n < 1 || n > MAX_BY) {
      throw new BadRequest("invalid_by", "by must be a whole number from 1 to " + MAX_BY + ", got " + n);
    }
    return n;
  }

  private static String describe(Object v) {
    return v == null ? "nothing" : v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
  }
}
