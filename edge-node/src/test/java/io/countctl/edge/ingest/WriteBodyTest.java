package io.countctl.edge.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.countctl.core.key.CounterKey;
import io.countctl.edge.http.BadRequest;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The byte reader of write bodies ({@link WriteBody}) gives the same write or the same error,
 * word for word, as the Jackson path it stands in front of, on the bad-input corpus's bodies and
 * on variations of valid ones; and it does take the usual shapes itself.
 */
class WriteBodyTest {
  static final CounterKey KEY = new CounterKey("post-1", "likes");

  /** The outcome of parsing a body: the write, or status, code and message of the refusal. */
  static String outcome(java.util.function.Supplier<WriteRequest> parse) {
    try {
      return parse.get().toString();
    } catch (BadRequest e) {
      return e.status() + " " + e.code() + " " + e.getMessage();
    }
  }

  static String viaJackson(Buffer body) {
    return outcome(() -> WriteRequest.fromJson(KEY, WriteRequest.object(body)));
  }

  static String viaParse(Buffer body) {
    return outcome(() -> WriteRequest.parse(KEY.id(), KEY.counter(), body, null));
  }

  static List<String> bodies() {
    String valid = "{\"action\":\"increment\",\"by\":5}";
    List<String> bodies = new ArrayList<>(List.of("", " ", "{", "}", "[]", "[{}]", "null", "true", "1", "\"increment\"",
        "{}", " { } ", "{\"action\":\"\"}", "{\"action\":\"inc\"}", "{\"action\":\"INCREMENT\"}", "{\"action\":null}",
        "{\"action\":1}", "{\"action\":[\"increment\"]}", "{\"action\":{\"x\":1}}", "{\"Action\":\"increment\"}",
        "{\"action\":\"increment\",\"by\":0}", "{\"action\":\"increment\",\"by\":-1}", "{\"action\":\"increment\",\"by\":00}",
        "{\"action\":\"increment\",\"by\":01}", "{\"action\":\"increment\",\"by\":1000000}",
        "{\"action\":\"increment\",\"by\":1000001}", "{\"action\":\"increment\",\"by\":1.5}",
        "{\"action\":\"increment\",\"by\":1e3}", "{\"action\":\"increment\",\"by\":1E3}", "{\"action\":\"increment\",\"by\":\"5\"}",
        "{\"action\":\"increment\",\"by\":true}", "{\"action\":\"increment\",\"by\":[1]}", "{\"action\":\"increment\",\"by\":null}",
        "{\"action\":\"increment\",\"by\":99999999999999999999999}", "{\"action\":\"increment\",\"by\":9223372036854775807}",
        "{\"action\":\"increment\",\"by\":999999999999999999}", "{\"action\":\"increment\",\"by\":2147483648}",
        "{\"action\":\"decrement\",\"by\":-9223372036854775808}", "{\"action\":\"increment\",\"by\":NaN}",
        "{\"action\":\"increment\",\"by\":Infinity}", "{\"action\":\"increment\",\"user\":5}",
        "{\"action\":\"increment\",\"item\":[]}", "{\"action\":\"increment\",\"user\":\"" + "u".repeat(5000) + "\"}",
        "{\"action\":\"increment\",\"user\":\"\"}", "{\"action\":\"increment\",\"user\":\"ann\",\"item\":\"song-1\"}",
        "{\"action\":\"decrement\",\"user\":\"ann\"}", "{\"action\":\"decrement\",\"item\":\"x\"}",
        "{\"action\":\"increment\",\"user\":\"a\\\"b\"}", "{\"action\":\"increment\",\"user\":\"caf\u00e9\"}",
        "{'action':'increment'}", "{action:increment}", "{\"action\":\"increment\",}", "{\"action\":\"increment\"}}",
        "{\"action\":\"increment\"} {\"action\":\"increment\"}", "{\"action\":\"incr\\u0000ement\"}",
        "{\"action\":\"incr\\u0065ment\"}", "{\"action\":\"increment\",\"action\":\"decrement\"}",
        "{\"action\":\"increment\",\"by\":2,\"by\":3}", "{\"x\":1,\"x\":2,\"action\":\"decrement\"}",
        "{\"action\":\"increment\"" + ",\"x\":[".repeat(1) + "]", "[".repeat(500) + "]".repeat(500),
        "{\"a\":".repeat(300) + "1" + "}".repeat(300), "\uFEFF{\"action\":\"increment\"}", "{\"action\":\"incre\uD800ment\"}",
        "\t{\r\n\"action\" :\t\"decrement\" ,\n \"by\" : 7 }\n", "{\"action\":\"increment\",\"note\":\"hi\",\"n\":12}",
        "{\"action\":\"increment\",\"note\":{\"a\":1}}", "{\"action\":\"increment\",\"note\":false}",
        "{\"action\":\"increment\"}\u0000", "{\"action\":\"increment\"}x", "{\"action\":\"increment\" \"by\":1}",
        "{\"action\":\"increment\",\"by\":5 }", "{\"action\":\"increment\",\"by\":5-}", "{\"action\":\"increment\",\"by\":+5}",
        "{\"action\":\"incre\u007fment\"}", "{\"act\u0001ion\":\"increment\"}", "{\"action\":\"increment\u0009\"}"));
    for (int i = 1; i < valid.length(); i++) {
      bodies.add(valid.substring(0, i)); // every truncation of a valid write
    }
    return bodies;
  }

  @Test
  void givesTheSameWriteOrTheSameErrorAsJacksonOnTheCorpus() {
    List<Buffer> all = new ArrayList<>();
    for (String b : bodies()) {
      all.add(Buffer.buffer(b));
    }
    Random random = new Random(15);
    for (int i = 0; i < 300; i++) {
      byte[] garbage = new byte[1 + random.nextInt(60)];
      random.nextBytes(garbage);
      all.add(Buffer.buffer(garbage));
    }
    all.add(Buffer.buffer(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'})); // invalid UTF-8
    // Mutations of a valid body: every byte replaced by a few likely troublemakers.
    String valid = "{\"action\":\"decrement\",\"by\":12,\"user\":\"u\"}";
    for (int i = 0; i < valid.length(); i++) {
      for (char c : new char[] {' ', '"', '\\', '0', '-', '.', 'e', '}', ',', ':', '{', '['}) {
        all.add(Buffer.buffer(valid.substring(0, i) + c + valid.substring(i + 1)));
      }
    }
    all.add(null);
    for (Buffer b : all) {
      assertEquals(viaJackson(b), viaParse(b), () -> "body " + (b == null ? "null" : b.toString()));
    }
  }

  @Test
  void readsTheUsualShapesWithoutJackson() {
    for (String b : List.of("{\"action\":\"increment\"}", "{\"action\":\"decrement\",\"by\":1000000}",
        " {\"by\": 3, \"action\": \"increment\", \"user\": \"u-1\", \"item\": \"song:9\"} ", "{}",
        "{\"action\":\"increment\",\"by\":0}", "{\"action\":\"increment\",\"by\":\"5\"}")) {
      assertNotNull(WriteBody.read(Buffer.buffer(b)), b);
    }
    for (String b : List.of("{\"action\":\"incr\\u0065ment\"}", "{\"action\":\"increment\",\"by\":1.0}",
        "{\"action\":\"increment\",\"by\":-1}", "[]", "{\"action\":\"increment\",\"x\":null}")) {
      assertNull(WriteBody.read(Buffer.buffer(b)), b);
    }
    assertEquals(new WriteRequest(KEY, true, 3, null, "u-1", "song:9"), WriteRequest.parse(KEY.id(), KEY.counter(),
        Buffer.buffer("{\"by\":3,\"action\":\"increment\",\"user\":\"u-1\",\"item\":\"song:9\"}"), null));
  }
}
