package io.countctl.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.config.Settings;
import io.countctl.core.config.Topics;
import io.countctl.core.kafka.KeyPartitions;
import io.countctl.core.key.CounterKey;
import io.countctl.testkit.KafkaTestCluster;
import io.countctl.testkit.RedisTestServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SSE streams and the internal webhook on one edge, with real Kafka and Redis. */
class LiveStreamTest {
  static KafkaTestCluster kafka;
  static RedisTestServer redis;
  static EdgeNode edge;
  static EdgeHttp http;

  @BeforeAll
  static void start() {
    kafka = KafkaTestCluster.start();
    redis = RedisTestServer.start();
    edge = EdgeNode.start(EdgeConfig.from(Settings.of(Map.of(
        Settings.CLUSTER, "live",
        Settings.KAFKA_BOOTSTRAP, kafka.bootstrapServers(),
        Settings.REDIS_URL, redis.url().toString(),
        Settings.HTTP_PORT, "0",
        "COUNT_PARTITIONS", "4",
        "COUNT_EVENT_LOOPS", "2",
        "COUNT_SSE_HEARTBEAT_MS", "300"))));
    http = EdgeHttp.to(edge.port());
  }

  @AfterAll
  static void stop() {
    edge.close();
    redis.close();
    kafka.close();
  }

  /** Opens a stream and collects its data lines as JSON objects. */
  static BlockingQueue<Object> open(String path) {
    BlockingQueue<Object> out = new LinkedBlockingQueue<>();
    http.client().sendAsync(HttpRequest.newBuilder(URI.create(http.base() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofLines()).thenAccept(r -> {
          assertEquals("text/event-stream", r.headers().firstValue("Content-Type").orElse(""));
          try (Stream<String> lines = r.body()) {
            lines.forEach(l -> {
              if (l.startsWith("data: ")) {
                out.add(new JsonObject(l.substring(6)));
              } else if (l.startsWith(": heartbeat")) {
                out.add("heartbeat");
              }
            });
          }
        });
    return out;
  }

  static JsonObject nextEvent(BlockingQueue<Object> q) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      Object o = q.poll(100, TimeUnit.MILLISECONDS);
      if (o instanceof JsonObject j) {
        return j;
      }
    }
    throw new AssertionError("no SSE event within 10 s");
  }

  @Test
  void streamStartsWithCurrentValueThenCarriesPushedChanges() throws Exception {
    http.put("sse-1", "likes", "{\"action\":\"increment\",\"by\":3}");
    BlockingQueue<Object> q = open("/v1/sse-1/likes/stream");
    JsonObject first = nextEvent(q);
    assertEquals("sse-1", first.getString("id"));
    assertEquals(3, first.getLong("count"));

    HttpResponse<String> r = http.send("POST", "/internal/totals",
        "{\"changes\":[{\"id\":\"sse-1\",\"counter\":\"likes\",\"p\":10,\"n\":2,\"t\":1700000000000}]}");
    assertEquals(204, r.statusCode(), r.body());
    assertEquals(8, nextEvent(q).getLong("count"));
  }

  @Test
  void oneConnectionCarriesManyCountersAndHeartbeats() throws Exception {
    BlockingQueue<Object> q = open("/v1/stream?counters=m-1/likes,m-2/views");
    JsonObject a = nextEvent(q);
    JsonObject b = nextEvent(q);
    assertEquals(java.util.Set.of("m-1", "m-2"), java.util.Set.of(a.getString("id"), b.getString("id")));
    http.send("POST", "/internal/totals",
        "{\"changes\":[{\"id\":\"m-2\",\"counter\":\"views\",\"p\":9007199254740993,\"n\":0,\"t\":1}]}");
    JsonObject big = nextEvent(q);
    assertEquals("9007199254740993", big.getString("count_string"), "beyond 2^53 the count also comes as a string");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    boolean heartbeat = false;
    while (!heartbeat && System.nanoTime() < deadline) {
      heartbeat = "heartbeat".equals(q.poll(100, TimeUnit.MILLISECONDS));
    }
    assertTrue(heartbeat, "idle streams get heartbeats");
  }

  @Test
  void watchingACounterPublishesASubscriptionOnItsTotalsPartition() {
    open("/v1/sub-7/likes/stream");
    CounterKey key = new CounterKey("sub-7", "likes");
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "sub-check-" + System.nanoTime(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(new Topics("live").subscriptions()));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(200))) {
          String k = new String(rec.key(), StandardCharsets.UTF_8);
          if (k.startsWith("sub-7/likes|") && rec.value() != null) {
            assertEquals(KeyPartitions.partitionOf(key, 4), rec.partition());
            assertEquals("sub-7/likes", new JsonObject(new String(rec.value(), StandardCharsets.UTF_8)).getString("counter"));
            return;
          }
        }
      }
    }
    throw new AssertionError("no subscription record for sub-7/likes");
  }

  @Test
  void badStreamRequestsGetJsonErrors() {
    HttpResponse<String> none = http.send("GET", "/v1/stream", null);
    assertEquals(400, none.statusCode());
    assertEquals("invalid_counters", new JsonObject(none.body()).getJsonObject("error").getString("code"));
    HttpResponse<String> bad = http.send("GET", "/v1/stream?counters=no-slash", null);
    assertEquals(400, bad.statusCode());
    HttpResponse<String> badWebhook = http.send("POST", "/internal/totals", "{\"nope\":1}");
    assertEquals(400, badWebhook.statusCode());
  }
}
