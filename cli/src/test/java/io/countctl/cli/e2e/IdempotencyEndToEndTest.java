package io.countctl.cli.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.countctl.core.config.Settings;
import io.countctl.edge.EdgeConfig;
import io.countctl.edge.EdgeNode;
import io.countctl.testkit.KafkaTestCluster;
import io.countctl.testkit.RedisTestServer;
import io.countctl.worker.Worker;
import io.countctl.worker.WorkerConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Idempotency keys across edges, on real Kafka and Redis. */
class IdempotencyEndToEndTest {
  static KafkaTestCluster kafka;
  static RedisTestServer redis;
  static final List<EdgeNode> edges = new ArrayList<>();
  static Worker worker;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    kafka = KafkaTestCluster.start();
    redis = RedisTestServer.start();
    worker = Worker.start(WorkerConfig.from(settings(Map.of("COUNT_WORKER_ID", "idem-worker"))));
    for (int i = 0; i < 2; i++) {
      edges.add(EdgeNode.start(EdgeConfig.from(settings(Map.of("COUNT_EDGE_ID", "idem-edge-" + i)))));
    }
  }

  static Settings settings(Map<String, String> extra) {
    Map<String, String> m = new HashMap<>(Map.of(
        Settings.CLUSTER, "idem",
        Settings.KAFKA_BOOTSTRAP, kafka.bootstrapServers(),
        Settings.REDIS_URL, redis.url().toString(),
        Settings.HTTP_PORT, "0",
        "COUNT_PARTITIONS", "4",
        "COUNT_EVENT_LOOPS", "2"));
    m.putAll(extra);
    return Settings.of(m);
  }

  @AfterAll
  static void stop() {
    edges.forEach(EdgeNode::close);
    worker.close();
    redis.close();
    kafka.close();
  }

  static HttpResponse<String> send(EdgeNode edge, HttpRequest.Builder req) throws Exception {
    return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  static URI uri(EdgeNode edge, String path) {
    return URI.create("http://127.0.0.1:" + edge.port() + path);
  }

  static long storedCount(String id) throws Exception {
    // Read through the edge that did not take the writes: it holds none of them locally.
    HttpResponse<String> r = send(edges.get(1), HttpRequest.newBuilder(uri(edges.get(1), "/v1/" + id + "/likes")).GET());
    return new JsonObject(r.body()).getLong("count");
  }

  @Test
  void theSameTokenSentToTwoEdgesCountsOnce() throws Exception {
    for (EdgeNode edge : edges) {
      HttpResponse<String> r = send(edge, HttpRequest.newBuilder(uri(edge, "/v1/idem-1/likes"))
          .header("Idempotency-Key", "client-retry-42")
          .PUT(HttpRequest.BodyPublishers.ofString("{\"action\":\"increment\",\"by\":3}")));
      assertEquals(200, r.statusCode(), r.body());
    }
    HttpResponse<String> other = send(edges.get(0), HttpRequest.newBuilder(uri(edges.get(0), "/v1/idem-1/likes"))
        .header("Idempotency-Key", "another-write")
        .PUT(HttpRequest.BodyPublishers.ofString("{\"action\":\"increment\",\"by\":1}")));
    assertEquals(200, other.statusCode());
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertEquals(4, storedCount("idem-1")));
    // Settled: later reads stay at 4 (the duplicate never lands).
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertEquals(4, storedCount("idem-1")));
  }

  @Test
  void tenThousandDistinctTokensCountTenThousandAndAReplayedBatchCountsNothing() throws Exception {
    List<String> bodies = new ArrayList<>();
    for (int b = 0; b < 10; b++) {
      JsonArray writes = new JsonArray();
      for (int i = 0; i < 1_000; i++) {
        writes.add(new JsonObject().put("id", "idem-many").put("counter", "likes").put("action", "increment")
            .put("idempotency_key", "t-" + b + "-" + i));
      }
      bodies.add(new JsonObject().put("writes", writes).encode());
    }
    for (int b = 0; b < bodies.size(); b++) {
      EdgeNode edge = edges.get(0);
      HttpResponse<String> r = send(edge, HttpRequest.newBuilder(uri(edge, "/v1/batch")).POST(HttpRequest.BodyPublishers.ofString(bodies.get(b))));
      assertEquals(200, r.statusCode(), r.body());
    }
    // The client retries its first batch on the other edge: every token was counted already.
    HttpResponse<String> replay = send(edges.get(1), HttpRequest.newBuilder(uri(edges.get(1), "/v1/batch"))
        .POST(HttpRequest.BodyPublishers.ofString(bodies.getFirst())));
    assertEquals(200, replay.statusCode());
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertEquals(10_000, storedCount("idem-many")));
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertEquals(10_000, storedCount("idem-many")));
  }
}
