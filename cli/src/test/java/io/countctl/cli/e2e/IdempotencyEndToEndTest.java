package io.countctl.cli.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.edge.EdgeNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Idempotency keys across edges, on real Kafka and Redis. */
class IdempotencyEndToEndTest {
  static PlatformFixture platform;
  static List<EdgeNode> edges;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    platform = PlatformFixture.start("idem", Map.of());
    platform.startWorker("idem-worker");
    for (int i = 0; i < 2; i++) {
      platform.startEdge("idem-edge-" + i);
    }
    edges = platform.edges();
  }

  @AfterAll
  static void stop() {
    platform.close();
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

  static HttpResponse<String> put(EdgeNode edge, String path, String key, String body) throws Exception {
    return send(edge, HttpRequest.newBuilder(uri(edge, path)).header("Idempotency-Key", key)
        .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  static long countOn(EdgeNode edge, String id) throws Exception {
    HttpResponse<String> r = send(edge, HttpRequest.newBuilder(uri(edge, "/v1/" + id + "/likes")).GET());
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getLong("count");
  }

  /**
   * A client's immediate retry on the same edge: the worker counts the token once, and the edge's
   * read view must not add it twice meanwhile (its floor would keep such an overcount).
   */
  @Test
  void aRetryOnTheSameEdgeIsNeverReadTwice() throws Exception {
    EdgeNode e0 = edges.get(0);
    String body = "{\"action\":\"increment\",\"by\":2}";
    assertEquals(200, put(e0, "/v1/retry-1/likes", "order-7", body).statusCode());
    assertEquals(200, put(e0, "/v1/retry-1/likes", "order-7", body).statusCode());
    long[] highest = {0};
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    long settledSince = 0;
    while (System.nanoTime() < deadline) { // read on the writing edge until the store has settled a while
      highest[0] = Math.max(highest[0], countOn(e0, "retry-1"));
      if (storedCount("retry-1") == 2) {
        settledSince = settledSince == 0 ? System.nanoTime() : settledSince;
        if (System.nanoTime() - settledSince > Duration.ofSeconds(1).toNanos()) {
          break;
        }
      }
    }
    assertTrue(settledSince != 0, "the write was stored");
    assertTrue(highest[0] <= 2, "a read on the writing edge counted the retry too: " + highest[0]);
    assertEquals(2, countOn(e0, "retry-1"), "the writing edge answers the exact count");
    assertEquals(2, storedCount("retry-1"));
  }

  /** #15 item 2: keys are per counter, and a key reused for another write is refused, not silently dropped. */
  @Test
  void aKeyIsPerCounterAndReusingItForAnotherWriteIsRefusedWith422() throws Exception {
    EdgeNode e0 = edges.get(0);
    EdgeNode e1 = edges.get(1);
    assertEquals(200, put(e0, "/v1/reuse-a/likes", "order-7", "{\"action\":\"increment\",\"by\":2}").statusCode());
    // The same token on another counter is another write: counted.
    assertEquals(200, put(e0, "/v1/reuse-b/likes", "order-7", "{\"action\":\"increment\",\"by\":5}").statusCode());
    // The same token on the same counter with another body, on either edge: refused, nothing counted.
    for (String body : List.of("{\"action\":\"increment\",\"by\":3}", "{\"action\":\"decrement\",\"by\":2}",
        "{\"action\":\"increment\",\"by\":2,\"user\":\"u-1\"}")) {
      HttpResponse<String> r = put(e1, "/v1/reuse-a/likes", "order-7", body);
      assertEquals(422, r.statusCode(), r.body());
      JsonObject error = new JsonObject(r.body()).getJsonObject("error");
      assertEquals("idempotency_key_reused", error.getString("code"));
      assertTrue(error.getString("message").contains("different write"), error.getString("message"));
    }
    // A batch holding such an entry is refused whole, naming it; its other entries are not added.
    JsonArray writes = new JsonArray()
        .add(new JsonObject().put("id", "reuse-a").put("counter", "likes").put("action", "increment").put("by", 100))
        .add(new JsonObject().put("id", "reuse-c").put("counter", "likes").put("action", "increment").put("idempotency_key", "fresh-1"))
        .add(new JsonObject().put("id", "reuse-b").put("counter", "likes").put("action", "increment").put("by", 9)
            .put("idempotency_key", "order-7"));
    HttpResponse<String> batch = send(e1, HttpRequest.newBuilder(uri(e1, "/v1/batch"))
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("writes", writes).encode())));
    assertEquals(422, batch.statusCode(), batch.body());
    assertTrue(batch.body().contains("writes[2]"), batch.body());
    // The exact retry still answers 200 and counts once.
    assertEquals(200, put(e1, "/v1/reuse-a/likes", "order-7", "{\"action\":\"increment\",\"by\":2}").statusCode());
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      assertEquals(2, storedCount("reuse-a"));
      assertEquals(5, storedCount("reuse-b"));
    });
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertEquals(2, storedCount("reuse-a"));
      assertEquals(5, storedCount("reuse-b"));
      assertEquals(0, storedCount("reuse-c"), "the refused batch's fresh entry was not added");
    });
    // "fresh-1" was not taken by the refused batch: it can be used now.
    assertEquals(200, put(e0, "/v1/reuse-c/likes", "fresh-1", "{\"action\":\"increment\"}").statusCode());
    try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis(platform.redis().url())) {
      // The key is a 12-byte digest in the bucket of the hour it was counted (or the one before,
      // if the hour turned since): 'c' then the start of its write's fingerprint.
      var slot = io.countctl.core.store.IdempotencyLayout.slot("reuse-a/likes/order-7");
      long hour = io.countctl.core.store.IdempotencyLayout.bucket(System.currentTimeMillis());
      String k = "{idem}:ik:" + hour + ":" + slot.shard();
      if (j.hget(k.getBytes(), slot.field()) == null) {
        k = "{idem}:ik:" + (hour - 1) + ":" + slot.shard();
      }
      long ttl = j.pttl(k);
      assertTrue(ttl > 86_400_000 && ttl <= 93_600_000, "a bucket lives the 24 h window and up to two hours more: " + ttl);
      assertEquals('c', (char) j.hget(k.getBytes(), slot.field())[0], "counted");
      assertTrue(j.objectEncoding(k).equals("listpack") || j.objectEncoding(k).equals("ziplist"), j.objectEncoding(k));
    }
  }
}
