package io.countctl.cli.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** EdgeJson reads and writes the edge's answers as Vert.x's JsonObject did: output byte for byte. */
class EdgeJsonTest {
  static final List<String> ANSWERS = List.of(
      "{\"count\":42,\"updated_at\":\"2026-01-01T00:00:00Z\"}",
      "{\"count\":-3,\"updated_at\":null,\"stale\":true}",
      "{ \"count\" : 9223372036854775807 , \"regions\" : {\"eu\": 1, \"us\": 2} }",
      "{\"count\":12345678901234567890123,\"ratio\":0.1,\"big\":1e300,\"small\":-2.5E-7,\"exact\":1.0}",
      "{\"id\":\"p\\u00e9st \\\"1\\\"\\n\\t\",\"emoji\":\"\uD83D\uDE00\",\"slash\":\"a/b\",\"ctl\":\"\\u0001\"}",
      "{\"top\":[{\"value\":\"fr\",\"estimate\":40000,\"lower\":39990,\"upper\":40010}],\"empty\":[],\"nested\":[[1,2],[]]}",
      "{\"error\":{\"code\":\"bad_request\",\"message\":\"by must be 1 to 1000000\"}}",
      "{}");

  @Test
  void encodingAParsedAnswerGivesWhatJsonObjectGave() {
    for (String answer : ANSWERS) {
      assertEquals(new JsonObject(answer).encode(), EdgeJson.encode(EdgeJson.parseObject(answer)), answer);
    }
  }

  @Test
  void membersReadAsJsonObjectReadsThem() {
    for (String answer : ANSWERS) {
      JsonObject vertx = new JsonObject(answer);
      Map<String, Object> ours = EdgeJson.parseObject(answer);
      assertEquals(vertx.fieldNames().stream().toList(), List.copyOf(ours.keySet()), answer);
      if (vertx.getValue("count") instanceof Number) {
        assertEquals(vertx.getLong("count"), EdgeJson.getLong(ours, "count"), answer);
      }
      assertEquals(vertx.getString("updated_at"), EdgeJson.getString(ours, "updated_at"), answer);
    }
  }

  @Test
  void aWriteIsEncodedAsBefore() {
    Map<String, Object> write = new java.util.LinkedHashMap<>();
    write.put("action", "increment");
    write.put("by", 5L);
    assertEquals(new JsonObject().put("action", "increment").put("by", 5L).encode(), EdgeJson.encode(write));
  }

  @Test
  void whatIsNotOneJsonObjectIsRefused() {
    for (String text : List.of("", "[1]", "42", "<html>", "{\"a\":1} x", "{\"a\":")) {
      assertThrows(IllegalArgumentException.class, () -> EdgeJson.parseObject(text), text);
    }
  }
}
