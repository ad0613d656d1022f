package io.countctl.edge.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.countctl.edge.http.BadRequest;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The streaming batch reader gives exactly what the tree reader gives: the same writes for every
 * body the tree takes, the same refusal (status, code, message) for every body it refuses.
 */
class BatchBodyTest {
  private static final int MAX = 50;
  private static final String GOOD = "{\"id\":\"corpus\",\"counter\":\"likes\",\"action\":\"increment\"}";

  @Test
  void plainBatchesTakeTheStreamingPathAndGiveTheTreesWrites() {
    List<String> bodies = List.of(
        "{\"writes\":[" + GOOD + "]}",
        "{\"writes\":[" + (GOOD + ",").repeat(MAX - 1) + GOOD + "]}",
        "{\"writes\":[{\"id\":\"a\",\"counter\":\"c\",\"action\":\"decrement\",\"by\":1000000}]}",
        "{\"writes\":[{\"action\":\"increment\",\"by\":7,\"counter\":\"c\",\"id\":\"\u00e9t\u00e9\"}]}",
        "{\"writes\":[{\"id\":\"a\",\"counter\":\"c\",\"action\":\"increment\",\"by\":null,\"user\":null,\"item\":null}]}",
        "{\"writes\":[{\"id\":\"a\",\"counter\":\"c\",\"action\":\"increment\",\"user\":\"u1\",\"item\":\"i1\"}]}",
        "{\"writes\":[{\"id\":\"a\",\"counter\":\"c\",\"action\":\"increment\",\"idempotency_key\":\"k-1\"},"
            + "{\"id\":\"b\",\"counter\":\"c\",\"action\":\"increment\",\"idempotency_key\":null}]}",
        "{\"other\":{\"x\":[1,{\"y\":2}]},\"writes\":[{\"id\":\"a\",\"counter\":\"c\",\"action\":\"increment\","
            + "\"extra\":[{\"deep\":true}]}],\"more\":1}",
        " \n{ \"writes\" : [ " + GOOD + " ] }\n ");
    for (String b : bodies) {
      assertNotNull(BatchBody.stream(buf(b), MAX), "not taken by the streaming reader: " + b);
      assertSame(b);
    }
  }

  @Test
  void everyRefusalIsTheTreeReadersRefusal() {
    List<String> bodies = new ArrayList<>(List.of("", "[]", "{}", "null", "1", "\"x\"", "{\"writes\":null}",
        "{\"writes\":{}}", "{\"writes\":[]}", "{\"writes\":\"x\"}", "{\"writes\":[1]}", "{\"writes\":[null]}",
        "{\"writes\":[[]]}", "{\"writes\":[{}]}", "{\"writes\":[" + GOOD + "]} {\"writes\":[]}",
        "{\"writes\":[" + GOOD + "]}]", "{\"writes\":[" + GOOD + "],\"writes\":[{}]}",
        "{\"writes\":[" + GOOD + "],\"writes\":[" + GOOD + "," + GOOD + "]}",
        "{\"writes\":[{\"id\":\"corpus\",\"counter\":\"likes\"}]}",
        "{\"writes\":[{\"id\":\"corpus\",\"action\":\"increment\"}]}",
        "{\"writes\":[{\"id\":1,\"counter\":\"likes\",\"action\":\"increment\"}]}",
        "{\"writes\":[{\"id\":null,\"counter\":\"likes\",\"action\":\"increment\"}]}",
        "{\"writes\":[{\"id\":\"a/b\",\"counter\":\"likes\",\"action\":\"increment\"}]}",
        "{\"writes\":[{\"id\":\"\",\"counter\":\"likes\",\"action\":\"increment\"}]}",
        "{\"writes\":[{\"id\":\"a\",\"id\":\"b\",\"counter\":\"likes\",\"action\":\"increment\"}]}",
        "{\"writes\":[{\"id\":\"a\",\"counter\":\"likes\",\"action\":\"explode\",\"action\":\"increment\"}]}",
        "{\"writes\":[" + GOOD + ",{\"id\":\"corpus\",\"counter\":\"likes\",\"action\":\"increment\",\"by\":0}]}",
        "{\"writes\":[" + GOOD + "," + GOOD + ",{\"id\":\"corpus\",\"counter\":\"likes\",\"action\":\"explode\"}]}",
        "{\"writes\":[" + GOOD + ",{\"id\":\"corpus\",\"counter\":\"" + "c".repeat(65) + "\",\"action\":\"increment\"}]}",
        "{\"writes\":[" + (GOOD + ",").repeat(MAX) + GOOD + "]}",
        "{\"writes\":[{\"id\":\"bad\",\"counter\":\"c\",\"action\":\"nope\"}," + (GOOD + ",").repeat(MAX) + GOOD + "]}",
        "{\"writes\":[" + GOOD + "]", "{\"writes\":[" + GOOD + ",]}",
        "{\"writes\":[{\"id\":\"a\",\"counter\":\"c\",\"action\":\"increment\",\"by\":1000001}]}",
        "{\"writes\":[{\"id\":\"a\",\"counter\":\"c\",\"action\":\"increment\",\"by\":-3}]}",
        "{\"writes\":[{\"id\":\"a\",\"counter\":\"c\",\"action\":\"increment\",\"by\":1.0}]}",
        "{\"writes\":[{\"id\":\"a\",\"counter\":\"c\",\"action\":\"increment\",\"by\":1e3}]}",
        "{\"writes\":[{\"id\":\"a\",\"counter\":\"c\",\"action\":\"increment\",\"by\":\"5\"}]}",
        "{\"writes\":[{\"id\":\"a\",\"counter\":\"c\",\"action\":\"increment\",\"by\":[1]}]}",
        "{\"writes\":[{\"id\":\"a\",\"counter\":\"c\",\"action\":\"increment\",\"by\":{\"n\":1}}]}",
        "{\"writes\":[{\"id\":\"a\",\"counter\":\"c\",\"action\":\"increment\",\"by\":99999999999999999999999}]}",
        "{\"writes\":[{\"id\":\"a\",\"counter\":\"c\",\"action\":\"increment\",\"by\":9223372036854775807}]}",
        "{\"writes\":[{\"id\":\"a\",\"counter\":\"c\",\"action\":\"increment\",\"by\":NaN}]}",
        "{\"writes\":[{\"id\":\"a\",\"counter\":\"c\",\"action\":\"increment\",\"user\":5}]}",
        "{\"writes\":[{\"id\":\"a\",\"counter\":\"c\",\"action\":\"increment\",\"item\":[]}]}",
        "{\"writes\":[{\"id\":\"a\",\"counter\":\"c\",\"action\":\"increment\",\"user\":\"" + "u".repeat(5000) + "\"}]}",
        "{\"writes\":[{\"id\":\"a\",\"counter\":\"c\",\"action\":\"decrement\",\"user\":\"u\"}]}",
        "{\"writes\":[{\"id\":\"a\",\"counter\":\"c\",\"action\":\"increment\",\"idempotency_key\":5}]}",
        "{\"writes\":[{\"id\":\"a\",\"counter\":\"c\",\"action\":\"increment\",\"idempotency_key\":\"\"}]}",
        "{\"writes\":[{\"id\":\"a\",\"counter\":\"c\",\"action\":\"increment\",\"idempotency_key\":\"" + "k".repeat(300) + "\"}]}",
        "{'writes':[]}", "{writes:[]}", "/* note */ {\"writes\":[" + GOOD + "]}",
        "{\"writes\":[" + GOOD + "] // trailing note\n}", "\uFEFF{\"writes\":[" + GOOD + "]}",
        "{\"writes\":[{\"id\":\"a\",\"counter\":\"c\",\"action\":\"incre\uD800ment\"}]}",
        "[".repeat(5000) + "]".repeat(5000), "{\"a\":".repeat(3000) + "1" + "}".repeat(3000)));
    String valid = "{\"writes\":[" + GOOD + ",{\"id\":\"x\",\"counter\":\"y\",\"action\":\"decrement\",\"by\":3}]}";
    for (int i = 0; i < valid.length(); i++) {
      bodies.add(valid.substring(0, i)); // every truncation
    }
    Random random = new Random(14);
    for (int i = 0; i < 1_000; i++) { // single-character mutations of a valid body
      char[] c = valid.toCharArray();
      c[random.nextInt(c.length)] = "{}[]\",:0123456789-.eE nulltrue\\/x".charAt(random.nextInt(33));
      bodies.add(new String(c));
    }
    for (String b : bodies) {
      assertSame(b);
    }
    byte[] invalidUtf8 = {'{', '"', 'w', 'r', 'i', 't', 'e', 's', '"', ':', '[', '{', '"', 'i', 'd', '"', ':', '"',
        (byte) 0xC3, (byte) 0x28, '"', '}', ']', '}'};
    assertSame(Buffer.buffer(invalidUtf8), "invalid UTF-8");
    assertSame(null, "no body");
  }

  private static void assertSame(String body) {
    assertSame(buf(body), body.length() > 200 ? body.substring(0, 200) + "…" : body);
  }

  /** Same writes, or the same refusal, from both readers. */
  private static void assertSame(Buffer body, String what) {
    Object expected = outcome(() -> BatchBody.tree(body, MAX));
    Object actual = outcome(() -> BatchBody.parse(body, MAX));
    assertEquals(expected, actual, "body: " + what);
  }

  private static Object outcome(java.util.function.Supplier<List<WriteRequest>> read) {
    try {
      return read.get();
    } catch (BadRequest e) {
      return e.status() + " " + e.code() + " " + e.getMessage();
    }
  }

  private static Buffer buf(String s) {
    return Buffer.buffer(s.getBytes(StandardCharsets.UTF_8));
  }
}
