package io.countctl.cli.dev;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.config.Settings;
import io.countctl.edge.EdgeConfig;
import io.countctl.edge.EdgeNode;
import io.countctl.worker.Worker;
import io.countctl.worker.WorkerConfig;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kafka broker restart under durable writes: while it is down the edge answers 503 with
 * Retry-After; once it is back the edge recovers by itself, and every acknowledged write is
 * counted (writes answered "not confirmed" may or may not be).
 */
class KafkaRestartTest {
  @TempDir Path dir;

  @Test
  void theEdgeRecoversByItselfAndLosesNothingAcknowledged() throws Exception {
    DevPorts ports = DevPorts.loadOrCreate(dir);
    EmbeddedRedis redis = EmbeddedRedis.start(dir.resolve("redis"), ports.redis(), true);
    EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), ports);
    Map<String, String> m = new HashMap<>(Map.of(
        Settings.CLUSTER, "restart",
        Settings.KAFKA_BOOTSTRAP, kafka.bootstrap(),
        Settings.REDIS_URL, redis.url().toString(),
        Settings.HTTP_PORT, "0",
        "COUNT_PARTITIONS", "2",
        "COUNT_EVENT_LOOPS", "1",
        "COUNT_MAX_KAFKA_STALL_MS", "500",
        "COUNT_WRITE_TIMEOUT_MS", "1500"));
    Worker worker = Worker.start(WorkerConfig.from(Settings.of(m)));
    EdgeNode edge = EdgeNode.start(EdgeConfig.from(Settings.of(m)));
    HttpClient http = HttpClient.newHttpClient();
    URI url = URI.create("http://127.0.0.1:" + edge.port() + "/v1/k/likes");
    try {
      long acked = 0;
      long unconfirmed = 0;
      for (int i = 0; i < 50; i++) {
        assertEquals(200, put(http, url).statusCode());
        acked++;
      }
      kafka.close(); // the broker goes away
      boolean refused = false;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!refused && System.nanoTime() < deadline) {
        HttpResponse<String> r = put(http, url);
        if (r.statusCode() == 200) {
          acked++;
          continue;
        }
        assertEquals(503, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Retry-After").isPresent());
        String code = new JsonObject(r.body()).getJsonObject("error").getString("code");
        unconfirmed += "not_confirmed".equals(code) ? 1 : 0;
        refused = "kafka_unavailable".equals(code);
      }
      assertTrue(refused, "writes are refused while Kafka is down");

      kafka = EmbeddedKafka.start(dir.resolve("kafka"), ports); // same data, same ports
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> put(http, url).statusCode() == 200);
      acked++;
      long least = acked;
      long most = acked + unconfirmed;
      // Read from Redis, not the edge: the edge's view adds its own batches not yet applied.
      try (io.countctl.core.store.CounterStore store = new io.countctl.core.store.CounterStore(redis.url(), "restart", 1)) {
        io.countctl.core.key.CounterKey key = new io.countctl.core.key.CounterKey("k", "likes");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
          long count = store.read(key).state().value();
          assertTrue(count >= least && count <= most, "count " + count + " must be within [" + least + ", " + most + "]");
        });
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
          long count = store.read(key).state().value();
          assertTrue(count >= least && count <= most, "settled: count " + count + " within [" + least + ", " + most + "]");
        });
      }
    } finally {
      edge.close();
      worker.close();
      kafka.close();
      redis.close();
    }
  }

  private static HttpResponse<String> put(HttpClient http, URI url) throws Exception {
    return http.send(HttpRequest.newBuilder(url).PUT(HttpRequest.BodyPublishers.ofString("{\"action\":\"increment\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
