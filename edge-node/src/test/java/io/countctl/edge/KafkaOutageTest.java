package io.countctl.edge;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.config.Settings;
import io.countctl.testkit.TestServers;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With Kafka down the edge refuses writes with 503 + Retry-After instead of holding them without
 * bound, and takes writes again by itself once Kafka is back.
 */
class KafkaOutageTest {
  TestServers servers;
  EdgeNode edge;
  EdgeHttp http;

  @BeforeEach
  void start() {
    servers = TestServers.start();
  }

  EdgeNode edge(String mode, Map<String, String> extra) {
    Map<String, String> m = servers.settings("outage", Map.of(
        Settings.ACK_MODE, mode,
        "COUNT_PARTITIONS", "2",
        "COUNT_EVENT_LOOPS", "1",
        "COUNT_MAX_KAFKA_STALL_MS", "500",
        "COUNT_WRITE_TIMEOUT_MS", "1500"));
    m.putAll(extra);
    edge = EdgeNode.start(EdgeConfig.from(Settings.of(m)));
    http = EdgeHttp.to(edge.port());
    return edge;
  }

  @AfterEach
  void stop() {
    if (edge != null) {
      edge.close();
    }
    servers.close();
  }

  @Test
  void durableWritesGet503WithRetryAfterWhileKafkaIsDown() {
    edge("durable", Map.of());
    http.put("o-1", "likes", "{\"action\":\"increment\"}");
    servers.kafka().stopBrokers();
    AtomicLong acked = new AtomicLong(1);
    AtomicLong unconfirmed = new AtomicLong();
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      HttpResponse<String> r = http.send("PUT", "/v1/o-1/likes", "{\"action\":\"increment\"}");
      if (r.statusCode() == 200) {
        acked.incrementAndGet();
        return false;
      }
      assertEquals(503, r.statusCode(), r.body());
      assertTrue(r.headers().firstValue("Retry-After").isPresent(), "503 carries Retry-After");
      String code = new JsonObject(r.body()).getJsonObject("error").getString("code");
      if ("not_confirmed".equals(code)) {
        unconfirmed.incrementAndGet(); // accepted but not confirmed in time: may still count
        return false;
      }
      return "kafka_unavailable".equals(code);
    });
    assertEquals(503, http.send("GET", "/readyz", null).statusCode(), "not ready while Kafka is down");
    // Recovery after the broker comes back is shown by KafkaRestartTest (cli), on a broker with
    // fixed ports: this test kit's broker binds new ports when restarted.
    assertTrue(http.count("o-1", "likes") >= acked.get(), "the edge still shows every acknowledged write");
  }

  @Test
  void anUnconfirmedWriteSaysWhatARetryDoes() {
    edge("durable", Map.of("COUNT_MAX_KAFKA_STALL_MS", "600000"));
    http.put("o-2", "likes", "{\"action\":\"increment\"}");
    servers.kafka().stopBrokers();
    // Two writes accepted (the stall limit is far), then never confirmed: the 503 says what a
    // retry does, which depends on whether the first attempt carried an Idempotency-Key.
    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
    java.util.function.Function<String[], java.util.concurrent.CompletableFuture<HttpResponse<String>>> write = headers -> {
      var b = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + edge.port() + "/v1/o-2/likes"))
          .timeout(Duration.ofSeconds(20)).PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"action\":\"increment\"}"));
      if (headers.length > 0) {
        b.headers(headers);
      }
      return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    };
    var keyed = write.apply(new String[] {"Idempotency-Key", "outage-key-1"});
    var unkeyed = write.apply(new String[0]);
    String keyedMessage = notConfirmedMessage(keyed.join());
    String unkeyedMessage = notConfirmedMessage(unkeyed.join());
    assertTrue(keyedMessage.contains("retry with the same Idempotency-Key"), keyedMessage);
    assertTrue(unkeyedMessage.contains("a retry may count it twice"), unkeyedMessage);
    assertTrue(!unkeyedMessage.contains("retry with"), "no advice the first attempt cannot follow: " + unkeyedMessage);
  }

  static String notConfirmedMessage(HttpResponse<String> r) {
    assertEquals(503, r.statusCode(), r.body());
    JsonObject error = new JsonObject(r.body()).getJsonObject("error");
    assertEquals("not_confirmed", error.getString("code"), r.body());
    return error.getString("message");
  }

  @Test
  void bufferedEdgeCapsItsTableAt503() {
    edge("buffered", Map.of("COUNT_MAX_PENDING_COUNTERS", "50", "COUNT_MAX_KAFKA_STALL_MS", "600000"));
    servers.kafka().stopBrokers();
    int accepted = 0;
    HttpResponse<String> last = null;
    for (int i = 0; i < 200; i++) {
      last = http.send("PUT", "/v1/cap-" + i + "/likes", "{\"action\":\"increment\"}");
      if (last.statusCode() != 200) {
        break;
      }
      accepted++;
    }
    assertEquals(503, last.statusCode(), "the table is capped: distinct counters beyond the cap are refused");
    assertEquals("overloaded", new JsonObject(last.body()).getJsonObject("error").getString("code"));
    assertTrue(accepted >= 50 && accepted < 200, "accepted " + accepted);
  }
}
