package io.countctl.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.batch.DeltaBatchCodec;
import io.countctl.core.config.Settings;
import io.countctl.core.config.Topics;
import io.countctl.testkit.TestServers;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The edge's HTTP contract against a real Kafka and Redis (no worker: reads show the edge's own writes). */
class EdgeApiTest {
  static TestServers servers;
  static EdgeNode edge;
  static EdgeHttp http;

  @BeforeAll
  static void start() {
    servers = TestServers.start();
    edge = EdgeNode.start(EdgeConfig.from(Settings.of(servers.settings("api", Map.of("COUNT_PARTITIONS", "4", "COUNT_EVENT_LOOPS", "2")))));
    http = EdgeHttp.to(edge.port());
  }

  @AfterAll
  static void stop() {
    edge.close();
    servers.close();
  }

  @Test
  void incrementDecrementAndReadYourOwnWrites() {
    JsonObject first = http.put("post-1", "likes", "{\"action\":\"increment\"}");
    assertEquals(1, first.getLong("count"));
    assertNotNull(first.getString("updated_at"));
    assertEquals(6, http.put("post-1", "likes", "{\"action\":\"increment\",\"by\":5}").getLong("count"));
    assertEquals(4, http.put("post-1", "likes", "{\"action\":\"decrement\",\"by\":2}").getLong("count"));
    assertEquals(4, http.count("post-1", "likes"));
  }

  @Test
  void decrementsBelowZeroAreAllowed() {
    assertEquals(-3, http.put("post-neg", "likes", "{\"action\":\"decrement\",\"by\":3}").getLong("count"));
  }

  @Test
  void neverWrittenCounterReadsZero() {
    HttpResponse<String> r = http.send("GET", "/v1/nobody/likes", null);
    assertEquals(200, r.statusCode());
    assertEquals(0, new JsonObject(r.body()).getLong("count"));
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
  }

  @ParameterizedTest(name = "{0} {1} -> {3} {4}")
  @CsvSource(delimiter = '|', value = {
      "PUT|/v1/bad-1/likes|{\"action\":|400|malformed_json",
      "PUT|/v1/bad-1/likes|[1,2]|400|malformed_json",
      "PUT|/v1/bad-1/likes|{\"action\":\"explode\"}|400|invalid_action",
      "PUT|/v1/bad-1/likes|{}|400|invalid_action",
      "PUT|/v1/bad-1/likes|{\"action\":\"increment\",\"by\":0}|400|invalid_by",
      "PUT|/v1/bad-1/likes|{\"action\":\"increment\",\"by\":-4}|400|invalid_by",
      "PUT|/v1/bad-1/likes|{\"action\":\"increment\",\"by\":1000001}|400|invalid_by",
      "PUT|/v1/bad-1/likes|{\"action\":\"increment\",\"by\":1.5}|400|invalid_by",
      "PUT|/v1/bad-1/likes|{\"action\":\"increment\",\"by\":\"2\"}|400|invalid_by",
      "PUT|/v1/bad-1%2Fx/likes|{\"action\":\"increment\"}|400|invalid_key",
      "PUT|/v1//likes|{\"action\":\"increment\"}|400|invalid_path",
      "DELETE|/v1/bad-1/likes||405|method_not_allowed",
      "PATCH|/v1/bad-1/likes|{\"action\":\"increment\"}|405|method_not_allowed",
      "POST|/v1/bad-1/likes|{\"action\":\"nope\"}|400|invalid_action", // POST is a write as PUT (sendBeacon)
      "GET|/v2/anything||404|not_found",
      "POST|/v1/batch|{\"writes\":[{\"id\":\"bad-1\",\"counter\":\"likes\",\"action\":\"increment\"},{\"id\":\"bad-1\",\"counter\":\"likes\",\"action\":\"nope\"}]}|400|invalid_action",
  })
  void badInputGetsJsonErrorAndChangesNothing(String method, String path, String body, int status, String code) {
    HttpResponse<String> r = http.send(method, path, body);
    assertEquals(status, r.statusCode(), r.body());
    assertEquals(code, new JsonObject(r.body()).getJsonObject("error").getString("code"));
    assertTrue(new JsonObject(r.body()).getJsonObject("error").getString("message").length() > 5);
    assertEquals(0, http.count("bad-1", "likes"));
  }

  @Test
  void tooLongIdAndHugeBodyAreRefused() {
    HttpResponse<String> longId = http.send("PUT", "/v1/" + "x".repeat(300) + "/likes", "{\"action\":\"increment\"}");
    assertEquals(400, longId.statusCode());
    HttpResponse<String> huge = http.send("PUT", "/v1/big-body/likes",
        "{\"action\":\"increment\",\"pad\":\"" + "x".repeat(3 * 1024 * 1024) + "\"}");
    assertEquals(413, huge.statusCode());
    assertEquals("body_too_large", new JsonObject(huge.body()).getJsonObject("error").getString("code"));
    assertEquals(0, http.count("big-body", "likes"));
  }

  @Test
  void batchCountsEveryEntry() {
    StringBuilder b = new StringBuilder("{\"writes\":[");
    for (int i = 0; i < 500; i++) {
      b.append(i == 0 ? "" : ",").append("{\"id\":\"batch-").append(i % 5).append("\",\"counter\":\"views\",\"action\":\"increment\",\"by\":2}");
    }
    HttpResponse<String> r = http.send("POST", "/v1/batch", b.append("]}").toString());
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(500, new JsonObject(r.body()).getInteger("accepted"));
    for (int i = 0; i < 5; i++) {
      assertEquals(200, http.count("batch-" + i, "views"));
    }
  }

  @Test
  void answersGzipWhenAsked() throws Exception {
    HttpResponse<byte[]> r = http.client().send(HttpRequest.newBuilder(URI.create(http.base() + "/v1/zip/likes"))
        .header("Accept-Encoding", "gzip").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals("gzip", r.headers().firstValue("Content-Encoding").orElse(""));
    String json = new String(new GZIPInputStream(new ByteArrayInputStream(r.body())).readAllBytes());
    assertEquals(0, new JsonObject(json).getLong("count"));
  }

  @Test
  void durableWriteIsInKafkaWhenAnsweredAsOneCompactRecordPerFlush() throws IOException {
    for (int i = 0; i < 20; i++) {
      http.put("kafka-check", "likes", "{\"action\":\"increment\"}");
    }
    // Every acknowledged write must already be in a batch on the deltas topic.
    Map<String, Long> seen = new HashMap<>();
    Set<Integer> partitions = new HashSet<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers.kafka().bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "edge-test-" + System.nanoTime(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(new Topics("api").deltas()));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (seen.getOrDefault("kafka-check/likes", 0L) < 20 && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(200))) {
          partitions.add(rec.partition());
          DeltaBatchCodec.decode(rec.value()).deltas().forEach(d ->
              seen.merge(d.key().toString(), d.change().value(), Long::sum));
        }
      }
    }
    assertEquals(20, seen.get("kafka-check/likes"));
    assertTrue(partitions.size() > 1, "round-robin should spread records, saw partitions " + partitions);
  }

  @Test
  void healthReadinessAndMetrics() {
    assertEquals(200, http.send("GET", "/healthz", null).statusCode());
    assertEquals(200, http.send("GET", "/readyz", null).statusCode());
    HttpResponse<String> m = http.send("GET", "/metrics", null);
    assertEquals(200, m.statusCode());
    assertTrue(m.body().contains("count_edge_writes_total"), m.body());
  }

}
