package io.countctl.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.config.Settings;
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
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Unique counts and top-K through the whole pipeline on real Kafka and Redis: two edges, two
 * workers, writes as clients send them (batches and single PUTs), answers read over HTTP and SSE.
 */
class SketchEndToEndTest {
  static final int FLUSH_MS = 100;
  static PlatformFixture platform;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    platform = PlatformFixture.start("sk", Map.of(Settings.ACK_MODE, "buffered", Settings.FLUSH_MS, Integer.toString(FLUSH_MS)));
    for (int i = 0; i < 2; i++) {
      platform.startWorker("worker-" + i, Map.of("COUNT_FANOUT", "false"));
    }
    for (int i = 0; i < 2; i++) {
      platform.startEdge("edge-" + i);
    }
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  static String url(int edge, String path) {
    return "http://127.0.0.1:" + platform.edge(edge).port() + path;
  }

  static JsonObject get(int edge, String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url(edge, path))).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return new JsonObject(r.body());
  }

  static void batch(int edge, JsonArray writes) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url(edge, "/v1/batch")))
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("writes", writes).encode())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }

  static void awaitCount(String path, long count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    long seen = -1;
    while (System.nanoTime() < deadline) {
      seen = get(0, path).getLong("count");
      if (seen == count) {
        return;
      }
      Thread.sleep(100); // poll interval of a deadline-bound wait
    }
    throw new AssertionError(path + " reached " + seen + ", not " + count);
  }

  @Test
  void aMillionWritesFrom200000UsersGiveEstimatesWhoseBoundsHoldTheTruth() throws Exception {
    int users = 200_000;
    int writes = 1_000_000;
    SplittableRandom rnd = new SplittableRandom(42);
    Map<String, Long> items = new HashMap<>();
    Map<String, Long> userWeights = new HashMap<>();
    String[] planted = {"fr", "de", "ja", "pt"};
    long[] plantedWeights = {40_000, 30_000, 20_000, 10_000};
    List<String> plantedWrites = new ArrayList<>();
    for (int h = 0; h < planted.length; h++) {
      for (long i = 0; i < plantedWeights[h]; i++) {
        plantedWrites.add(planted[h]);
      }
    }
    java.util.Collections.shuffle(plantedWrites, new java.util.Random(1));
    JsonArray chunk = new JsonArray();
    for (int i = 0; i < writes; i++) {
      int u = i < users ? i : rnd.nextInt(users);
      String user = i % 10 == 0 ? "heavy-" + (i % 30 == 0 ? 1 : 2) : "u-" + u; // two heavy users among the tail
      String item = i < plantedWrites.size() ? plantedWrites.get(i) : "tail-" + rnd.nextInt(100_000);
      items.merge(item, 1L, Long::sum);
      userWeights.merge(user, 1L, Long::sum);
      chunk.add(new JsonObject().put("id", "video-9").put("counter", "views").put("action", "increment")
          .put("user", user).put("item", item));
      if (chunk.size() == 5_000) {
        batch((i / 5_000) % 2, chunk);
        chunk = new JsonArray();
      }
    }
    awaitCount("/v1/video-9/views", writes);
    long distinct = userWeights.size();
    JsonObject unique = awaitStable("/v1/video-9/views/unique");
    assertTrue(unique.getLong("lower") <= distinct && distinct <= unique.getLong("upper"),
        unique + " must hold " + distinct + " distinct users");

    // At rest the hot counter's users fold into about one CPC sketch: less than the 12 KB seed 000's
    // HyperLogLog spends for a worse error (the partitions' sketches are folded once writes stop).
    try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis(platform.redis().url())) {
      String hash = new io.countctl.core.store.RedisKeys("sk").unique(new io.countctl.core.key.CounterKey("video-9", "views"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      long bytes = Long.MAX_VALUE;
      while (System.nanoTime() < deadline && bytes > 8 * 1024) {
        bytes = j.hkeys(hash).stream().filter(f -> !f.equals("t")).mapToLong(f -> j.hstrlen(hash, f)).sum();
        Thread.sleep(200); // poll interval of a deadline-bound wait
      }
      assertTrue(bytes <= 8 * 1024, "unique sketches of a 200 000-user counter at rest: " + bytes + " bytes");
    }
    assertEquals(unique, get(0, "/v1/video-9/views/unique"), "folding changes no estimate");

    JsonObject top = get(1, "/v1/video-9/views/top?by=item&k=4");
    List<String> order = top.getJsonArray("top").stream().map(o -> ((JsonObject) o).getString("value")).toList();
    assertEquals(List.of(planted), order, top.encode());
    for (Object o : top.getJsonArray("top")) {
      JsonObject e = (JsonObject) o;
      long truth = items.get(e.getString("value"));
      assertTrue(e.getLong("lower") <= truth && truth <= e.getLong("upper"), e + " must hold " + truth);
    }
    JsonObject topUsers = get(0, "/v1/video-9/views/top?by=user&k=2&window=1h");
    assertEquals(List.of("heavy-2", "heavy-1"),
        topUsers.getJsonArray("top").stream().map(o -> ((JsonObject) o).getString("value")).toList(), topUsers.encode());
    for (Object o : topUsers.getJsonArray("top")) {
      JsonObject e = (JsonObject) o;
      long truth = userWeights.get(e.getString("value"));
      assertTrue(e.getLong("lower") <= truth && truth <= e.getLong("upper"), e + " must hold " + truth);
    }
  }

  /** The unique answer once the last flushes are applied (two reads a read-cache period apart agree). */
  static JsonObject awaitStable(String path) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    JsonObject last = get(0, path);
    while (System.nanoTime() < deadline) {
      Thread.sleep(600); // longer than the read cache
      JsonObject now = get(0, path);
      if (now.equals(last) && now.getLong("estimate") > 0) {
        return now;
      }
      last = now;
    }
    return last;
  }

  @Test
  void aNewLeaderAppearsOnTheTopStreamWithinFlushPlusOneSecond() throws Exception {
    BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
    http.sendAsync(HttpRequest.newBuilder(URI.create(url(0, "/v1/post-1/comments/top/stream?by=user&k=3&window=10m"))).GET().build(),
        HttpResponse.BodyHandlers.ofLines()).thenAcceptAsync(r -> {
          try (Stream<String> lines = r.body()) {
            lines.filter(l -> l.startsWith("data: ")).forEach(l -> events.add(new JsonObject(l.substring(6))));
          }
        }, command -> Thread.ofVirtual().start(command));
    JsonObject first = events.poll(10, TimeUnit.SECONDS);
    assertTrue(first != null && first.getJsonArray("top").isEmpty(), "the (empty) list at once: " + first);
    JsonArray writes = new JsonArray();
    for (int i = 0; i < 20; i++) {
      writes.add(new JsonObject().put("id", "post-1").put("counter", "comments").put("action", "increment").put("user", "alice"));
    }
    writes.add(new JsonObject().put("id", "post-1").put("counter", "comments").put("action", "increment").put("user", "bob"));
    batch(1, writes);
    awaitLeader(events, "alice", 20, 30_000); // the first subscription may take a while to settle
    JsonArray overtake = new JsonArray();
    for (int i = 0; i < 30; i++) {
      overtake.add(new JsonObject().put("id", "post-1").put("counter", "comments").put("action", "increment").put("user", "carol"));
    }
    long start = System.nanoTime();
    batch(1, overtake);
    awaitLeader(events, "carol", 30, FLUSH_MS + 1_000);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(ms <= FLUSH_MS + 1_000, "new leader after " + ms + " ms");
  }

  static void awaitLeader(BlockingQueue<JsonObject> events, String leader, long weight, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      JsonObject e = events.poll(20, TimeUnit.MILLISECONDS);
      if (e == null) {
        continue;
      }
      last = e;
      JsonArray top = e.getJsonArray("top");
      if (!top.isEmpty() && leader.equals(top.getJsonObject(0).getString("value")) && top.getJsonObject(0).getLong("estimate") == weight) {
        return;
      }
    }
    throw new AssertionError("no event with " + leader + " leading at " + weight + " within " + timeoutMs + " ms; last " + last);
  }
}
