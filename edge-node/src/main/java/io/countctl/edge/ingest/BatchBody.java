package io.countctl.edge.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.countctl.core.key.CounterKey;
import io.countctl.core.sketch.SketchValue;
import io.countctl.edge.http.BadRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /v1/batch}: {@code {"writes": [{"id":…, "counter":…, "action":…, "by":…}, …]}},
 * all or nothing (one bad entry refuses the whole request, naming the entry).
 *
 * <p>A valid body is read in one pass of Jackson's streaming parser over its bytes: no tree, no map
 * per entry, and one {@link CounterKey} (validated once) per distinct counter of the body. Anything
 * the fast pass does not take as plainly valid — broken JSON, a wrong type, a duplicate field, a
 * value out of range, too many writes — is read again by the tree reader ({@link #tree}), which
 * is the reference: it gives the answer, so refusals (status, code and message) are exactly the
 * tree's. The fast pass only ever accepts what the tree accepts, with the same result.
 */
public final class BatchBody {
  /** What the tree reader's refusal says the body should look like. */
  private static final String EXPECTED = "{\"writes\": [...]}";

  static {
    // The codec's initialisation configures the shared Jackson factory (comments allowed): the
    // fast pass must parse with the same features as the tree reader.
    Json.CODEC.getClass();
  }

  private BatchBody() {}

  /**
   * @param max most writes in one batch ({@code COUNT_MAX_BATCH_WRITES})
   * @throws BadRequest as the tree reader refuses the body
   */
  public static List<WriteRequest> parse(Buffer body, int max) {
    if (body != null && body.length() > 0) {
      List<WriteRequest> fast = stream(body, max);
      if (fast != null) {
        return fast;
      }
    }
    return tree(body, max);
  }

  /** The fast pass: the writes, or null when the body is not plainly valid (the tree reader decides). */
  static List<WriteRequest> stream(Buffer body, int max) {
    try (JsonParser p = JacksonCodec.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      List<WriteRequest> writes = null;
      Keys keys = new Keys();
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        if (field.equals("writes")) {
          if (writes != null || v != JsonToken.START_ARRAY) {
            return null; // duplicate or not an array
          }
          writes = new ArrayList<>(Math.min(max, 1024));
          while ((v = p.nextToken()) != JsonToken.END_ARRAY) {
            if (v != JsonToken.START_OBJECT || writes.size() >= max) {
              return null;
            }
            WriteRequest w = entry(p, keys);
            if (w == null) {
              return null;
            }
            writes.add(w);
          }
        } else {
          p.skipChildren(); // other fields are ignored, as the tree reader ignores them
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null || writes == null || writes.isEmpty()) {
        return null;
      }
      return writes;
    } catch (IOException | RuntimeException e) {
      return null; // broken JSON, an invalid key, …: the tree reader says which
    }
  }

  /** One entry, the parser on its START_OBJECT; null unless plainly valid. */
  private static WriteRequest entry(JsonParser p, Keys keys) throws IOException {
    String id = null;
    String counter = null;
    String action = null;
    String user = null;
    String item = null;
    String token = null;
    long by = 0; // 0: absent
    int seen = 0; // bit per known field: a duplicate goes to the tree reader (its map keeps the last)
    for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      int bit;
      switch (field) {
        case "id" -> {
          bit = 1;
          id = string(p, v);
          if (id == null) {
            return null;
          }
        }
        case "counter" -> {
          bit = 2;
          counter = string(p, v);
          if (counter == null) {
            return null;
          }
        }
        case "action" -> {
          bit = 4;
          action = string(p, v);
          if (action == null) {
            return null;
          }
        }
        case "by" -> {
          bit = 8;
          if (v == JsonToken.VALUE_NULL) {
            by = 0;
          } else if (v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            by = p.getLongValue();
            if (by < 1 || by > WriteRequest.MAX_BY) {
              return null;
            }
          } else {
            return null;
          }
        }
        case "user" -> {
          bit = 16;
          user = string(p, v);
          if (user == null && v != JsonToken.VALUE_NULL) {
            return null;
          }
        }
        case "item" -> {
          bit = 32;
          item = string(p, v);
          if (item == null && v != JsonToken.VALUE_NULL) {
            return null;
          }
        }
        case "idempotency_key" -> {
          bit = 64;
          token = string(p, v);
          if (token == null && v != JsonToken.VALUE_NULL) {
            return null;
          }
        }
        default -> {
          bit = 0;
          p.skipChildren();
        }
      }
      if ((seen & bit) != 0) {
        return null;
      }
      seen |= bit;
    }
    if (id == null || counter == null || action == null) {
      return null;
    }
    boolean increment;
    if (action.equals("increment")) {
      increment = true;
    } else if (action.equals("decrement")) {
      increment = false;
    } else {
      return null;
    }
    if ((user != null && SketchValue.problem("user", user).isPresent())
        || (item != null && SketchValue.problem("item", item).isPresent())
        || (!increment && (user != null || item != null))) {
      return null;
    }
    WriteRequest w = new WriteRequest(keys.of(id, counter), increment, by == 0 ? 1 : by, null, user, item);
    if (token != null) {
      if (io.countctl.core.batch.KeyedDelta.problem(token).isPresent()) {
        return null;
      }
      w = w.withToken(token);
    }
    return w;
  }

  /** The string value, or null for any other value (skipped; the caller tells a JSON null apart). */
  private static String string(JsonParser p, JsonToken v) throws IOException {
    if (v == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
      p.skipChildren();
    }
    return null;
  }

  /** The body's counters, each validated and built once (a batch repeats few counters many times). */
  private static final class Keys {
    private final Map<String, Map<String, CounterKey>> byId = new HashMap<>();

    /** @throws RuntimeException an invalid key (the tree reader then names the entry) */
    CounterKey of(String id, String counter) {
      return byId.computeIfAbsent(id, i -> new HashMap<>(4)).computeIfAbsent(counter, c -> WriteRequest.key(id, c));
    }
  }

  /** The reference reader: the body as a tree, entries checked in order; every refusal comes from here. */
  static List<WriteRequest> tree(Buffer body, int max) {
    JsonObject json = WriteRequest.object(body, EXPECTED);
    if (!(json.getValue("writes") instanceof JsonArray arr)) {
      throw new BadRequest("malformed_json", "the body must have a \"writes\" array");
    }
    if (arr.isEmpty() || arr.size() > max) {
      throw new BadRequest("invalid_batch", "a batch holds 1 to " + max + " writes, got " + arr.size());
    }
    List<WriteRequest> out = new ArrayList<>(arr.size());
    for (int i = 0; i < arr.size(); i++) {
      if (!(arr.getValue(i) instanceof JsonObject w)) {
        throw new BadRequest("malformed_json", "writes[" + i + "] must be an object");
      }
      try {
        out.add(WriteRequest.fromEntry(w));
      } catch (BadRequest e) {
        throw new BadRequest(e.status(), e.code(), "writes[" + i + "]: " + e.getMessage());
      }
    }
    return out;
  }
}
