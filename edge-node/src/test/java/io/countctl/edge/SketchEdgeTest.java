package io.countctl.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.batch.DeltaBatch;
import io.countctl.core.batch.DeltaBatchCodec;
import io.countctl.core.batch.KeyedDelta;
import io.countctl.core.config.Settings;
import io.countctl.core.config.Topics;
import io.countctl.core.key.CounterKey;
import io.countctl.core.sketch.SketchAccumulator;
import io.countctl.core.sketch.SketchDelta;
import io.countctl.core.sketch.SketchSettings;
import io.countctl.core.sketch.SketchWindow;
import io.countctl.core.sketch.TopBy;
import io.countctl.core.sketch.TopEntry;
import io.countctl.core.sketch.TopItems;
import io.countctl.core.sketch.UniqueSketch;
import io.countctl.core.store.RedisKeys;
import io.countctl.testkit.TestServers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.clients.jedis.Jedis;

/**
 * Sketches on one edge with real Kafka and Redis, no worker: what writes carrying {@code user} /
 * {@code item} put into the flushed batches, and the reads ({@code /unique}, {@code /top},
 * {@code /top/stream}) of sketches written into Redis in the layout workers use.
 */
class SketchEdgeTest {
  static final String CLUSTER = "sk";
  static final String OPTIONS = "ranked:topk=3:windows=1m+all,off:topk=0";
  static final RedisKeys KEYS = new RedisKeys(CLUSTER);
  static final SketchSettings SETTINGS = SketchSettings.parse(OPTIONS);

  static TestServers servers;
  static EdgeNode edge;
  static EdgeHttp http;
  static Jedis jedis;
  static KafkaConsumer<byte[], byte[]> deltas;

  @BeforeAll
  static void start() {
    servers = TestServers.start();
    edge = EdgeNode.start(EdgeConfig.from(Settings.of(servers.settings(CLUSTER, Map.of(
        "COUNT_PARTITIONS", "2",
        "COUNT_EVENT_LOOPS", "2",
        "COUNT_SSE_HEARTBEAT_MS", "300",
        "COUNT_TOP_MAX_STREAMS", "2",
        SketchSettings.SETTING, OPTIONS)))));
    http = EdgeHttp.to(edge.port());
    jedis = new Jedis(servers.redis().url());
    deltas = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers.kafka().bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "sketch-test-" + System.nanoTime(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    deltas.subscribe(List.of(new Topics(CLUSTER).deltas()));
  }

  @AfterAll
  static void stop() {
    deltas.close();
    jedis.close();
    edge.close();
    servers.close();
  }

  // ---- writes

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "{\"action\":\"increment\",\"user\":\"\"}|invalid_user",
      "{\"action\":\"increment\",\"user\":7}|invalid_user",
      "{\"action\":\"increment\",\"user\":\"a\\tb\"}|invalid_user",
      "{\"action\":\"increment\",\"user\":\"a\\u007fb\"}|invalid_user",
      "{\"action\":\"increment\",\"item\":\"\"}|invalid_item",
      "{\"action\":\"increment\",\"item\":[\"fr\"]}|invalid_item",
      "{\"action\":\"increment\",\"user\":\"u-1\",\"item\":\"x\\ny\"}|invalid_item",
      "{\"action\":\"decrement\",\"user\":\"u-1\"}|invalid_sketch_field",
      "{\"action\":\"decrement\",\"item\":\"fr\"}|invalid_sketch_field",
  })
  void badUserOrItemIsRefusedAndCountsNothing(String body, String code) {
    assertError(http.send("PUT", "/v1/bad-sk/views", body), 400, code);
    assertEquals(0, http.count("bad-sk", "views"));
  }

  @Test
  void tooLongUserAndBadBatchEntryAreRefused() {
    assertError(http.send("PUT", "/v1/bad-sk2/views",
        new JsonObject().put("action", "increment").put("user", "é".repeat(129)).encode()), 400, "invalid_user");
    assertEquals(200, http.send("PUT", "/v1/bad-sk2/views",
        new JsonObject().put("action", "increment").put("user", "é".repeat(128)).encode()).statusCode(), "256 bytes is fine");
    String batch = "{\"writes\":[{\"id\":\"bad-sk3\",\"counter\":\"views\",\"action\":\"increment\",\"user\":\"u\"},"
        + "{\"id\":\"bad-sk3\",\"counter\":\"views\",\"action\":\"decrement\",\"item\":\"fr\"}]}";
    HttpResponse<String> r = http.send("POST", "/v1/batch", batch);
    assertError(r, 400, "invalid_sketch_field");
    assertTrue(r.body().contains("writes[1]"), r.body());
    assertEquals(0, http.count("bad-sk3", "views"));
  }

  @Test
  void flushedBatchesCarryTheWritesSketchesAndKeyedWritesCarryUserAndItem() {
    http.put("plain-1", "views", "{\"action\":\"increment\",\"by\":2}");
    List<DeltaBatch> plain = consumeUntil(b -> b.deltas().stream().anyMatch(d -> d.key().id().equals("plain-1")));
    assertTrue(plain.stream().allMatch(b -> b.sketches().isEmpty()), "plain writes add no sketch");

    CounterKey key = new CounterKey("sk-1", "views");
    http.put("sk-1", "views", "{\"action\":\"increment\",\"user\":\"u-1\",\"item\":\"fr\",\"by\":5}");
    http.put("sk-1", "views", "{\"action\":\"increment\",\"user\":\"u-2\",\"item\":\"fr\"}");
    http.put("sk-1", "views", "{\"action\":\"increment\",\"user\":\"u-2\",\"item\":\"de\"}");
    http.put("sk-1", "views", "{\"action\":\"increment\",\"item\":\"it\",\"by\":3}");
    assertEquals(200, http.send("POST", "/v1/batch", "{\"writes\":[{\"id\":\"sk-1\",\"counter\":\"views\",\"action\":\"increment\","
        + "\"user\":\"u-3\",\"by\":4}]}").statusCode());
    HttpResponse<String> keyedPut = http.client().sendAsync(HttpRequest.newBuilder(URI.create(http.base() + "/v1/sk-1/views"))
        .header("Idempotency-Key", "tok-sk-1")
        .PUT(HttpRequest.BodyPublishers.ofString("{\"action\":\"increment\",\"user\":\"u-keyed\",\"item\":\"keyed-item\"}")).build(),
        HttpResponse.BodyHandlers.ofString()).join();
    assertEquals(200, keyedPut.statusCode(), keyedPut.body());

    SketchAccumulator merged = new SketchAccumulator(SETTINGS);
    List<KeyedDelta> keyed = new ArrayList<>();
    long[] counted = {0};
    consumeUntil(b -> {
      b.deltas().stream().filter(d -> d.key().equals(key)).forEach(d -> counted[0] += d.change().p());
      b.sketches().stream().filter(d -> d.key().equals(key)).forEach(merged::add);
      b.keyed().stream().filter(d -> d.key().equals(key)).forEach(keyed::add);
      return counted[0] == 14 && keyed.size() == 1;
    });
    SketchDelta d = merged.drain().getFirst();
    assertEquals(3, UniqueSketch.fromBytes(d.unique()).estimate().estimate(), "u-1, u-2, u-3; the keyed write's user is the worker's to fold");
    assertEquals(List.of(new TopEntry("fr", 6, 6, 6), new TopEntry("it", 3, 3, 3), new TopEntry("de", 1, 1, 1)),
        TopItems.fromBytes(d.topItems()).top(10));
    assertEquals(List.of(new TopEntry("u-1", 5, 5, 5), new TopEntry("u-3", 4, 4, 4), new TopEntry("u-2", 2, 2, 2)),
        TopItems.fromBytes(d.topUsers()).top(10));
    KeyedDelta k = keyed.getFirst();
    assertEquals("tok-sk-1", k.token());
    assertEquals("u-keyed", k.user());
    assertEquals("keyed-item", k.item());
    assertEquals(14 + 1, http.count("sk-1", "views"), "sketched writes count like any write");
  }

  @Test
  void topDisabledCounterStillCountsUniquesButNoTop() {
    CounterKey key = new CounterKey("off-1", "off");
    http.put("off-1", "off", "{\"action\":\"increment\",\"user\":\"u-1\",\"item\":\"fr\"}");
    SketchAccumulator merged = new SketchAccumulator(SETTINGS);
    consumeUntil(b -> {
      b.sketches().stream().filter(d -> d.key().equals(key)).forEach(merged::add);
      return !merged.isEmpty();
    });
    SketchDelta d = merged.drain().getFirst();
    assertEquals(1, UniqueSketch.fromBytes(d.unique()).estimate().estimate());
    assertNull(d.topItems());
    assertNull(d.topUsers());
  }

  /** Polls the deltas topic until {@code done} says so for a batch (each batch is handed to it once). */
  static List<DeltaBatch> consumeUntil(Predicate<DeltaBatch> done) {
    List<DeltaBatch> seen = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> rec : deltas.poll(Duration.ofMillis(100))) {
        DeltaBatch b = DeltaBatchCodec.decode(rec.value());
        seen.add(b);
        if (done.test(b)) {
          return seen;
        }
      }
    }
    throw new AssertionError("not found on the deltas topic within 20 s; saw " + seen.size() + " batches");
  }

  // ---- reads

  @Test
  void uniqueMergesEveryPartitionsSketch() {
    CounterKey key = new CounterKey("u-read", "views");
    UniqueSketch p0 = UniqueSketch.empty(13);
    UniqueSketch p1 = UniqueSketch.empty(13);
    for (int i = 0; i < 3000; i++) {
      p0.add("user-" + i);
      p1.add("user-" + (i + 2000)); // 1000 in common: 5000 distinct
    }
    long t = 1_767_225_600_000L;
    hset(KEYS.unique(key), 0, p0.toBytes(), t - 5);
    hset(KEYS.unique(key), 1, p1.toBytes(), t);
    JsonObject u = ok("/v1/u-read/views/unique");
    assertEquals(List.of("estimate", "lower", "upper", "updated_at"), List.copyOf(u.fieldNames()));
    long est = u.getLong("estimate");
    assertTrue(u.getLong("lower") <= 5000 && 5000 <= u.getLong("upper"), u.encode());
    assertTrue(u.getLong("lower") <= est && est <= u.getLong("upper"), u.encode());
    assertTrue(Math.abs(est - 5000) < 250, u.encode());
    assertEquals(Instant.ofEpochMilli(t).toString(), u.getString("updated_at"));
    assertEquals(est, ok("/v1/u-read/views/unique?scope=region").getLong("estimate"));
    assertError(http.send("GET", "/v1/u-read/views/unique?scope=moon", null), 400, "invalid_scope");

    JsonObject none = ok("/v1/nobody/views/unique");
    assertEquals(0, none.getLong("estimate"));
    assertEquals(0, none.getLong("lower"));
    assertEquals(0, none.getLong("upper"));
    assertTrue(none.containsKey("updated_at") && none.getValue("updated_at") == null, none.encode());
  }

  @Test
  void topMergesPartitionsAndTheWindowsBucketsAndBoundsK() {
    CounterKey key = new CounterKey("t-read", "ranked");
    long now = System.currentTimeMillis();
    // all: two partitions' weights add up
    hset(KEYS.top(TopBy.ITEM, SketchWindow.ALL, 0, key), 0, top(Map.of("fr", 10L, "de", 4L, "it", 1L)), now - 1000);
    hset(KEYS.top(TopBy.ITEM, SketchWindow.ALL, 0, key), 1, top(Map.of("de", 7L, "es", 2L, "pt", 1L)), now - 500);
    // 1m: the current bucket and one 30 s back are in the window; one 5 min back is not
    SketchWindow m1 = SketchWindow.M1;
    hset(KEYS.top(TopBy.USER, m1, m1.bucketOf(now), key), 0, top(Map.of("u-1", 3L)), now - 100);
    hset(KEYS.top(TopBy.USER, m1, m1.bucketOf(now - 30_000), key), 1, top(Map.of("u-2", 2L, "u-1", 2L)), now - 30_000);
    hset(KEYS.top(TopBy.USER, m1, m1.bucketOf(now - 300_000), key), 0, top(Map.of("u-old", 100L)), now - 300_000);

    JsonObject all = ok("/v1/t-read/ranked/top");
    assertEquals(List.of("by", "k", "window", "top", "updated_at"), List.copyOf(all.fieldNames()));
    assertEquals("item", all.getString("by"));
    assertEquals(3, all.getInteger("k"), "default k is 10, capped at the counter's topk");
    assertEquals("all", all.getString("window"));
    assertEquals(Instant.ofEpochMilli(now - 500).toString(), all.getString("updated_at"));
    assertEquals(new JsonArray()
        .add(entry("de", 11)).add(entry("fr", 10)).add(entry("es", 2)), all.getJsonArray("top"));
    assertEquals(new JsonArray().add(entry("de", 11)), ok("/v1/t-read/ranked/top?k=1&by=item&window=all").getJsonArray("top"));

    JsonObject users = ok("/v1/t-read/ranked/top?by=user&window=1m&k=3");
    assertEquals(new JsonArray().add(entry("u-1", 5)).add(entry("u-2", 2)), users.getJsonArray("top"),
        "the bucket 5 min back is outside the 1m window");
    assertEquals(Instant.ofEpochMilli(now - 100).toString(), users.getString("updated_at"));

    JsonObject empty = ok("/v1/t-none/ranked/top?by=user");
    assertEquals(new JsonArray(), empty.getJsonArray("top"));
    assertNull(empty.getValue("updated_at"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "/v1/q-1/ranked/top?k=0|invalid_k",
      "/v1/q-1/ranked/top?k=4|invalid_k",
      "/v1/q-1/ranked/top?k=-1|invalid_k",
      "/v1/q-1/ranked/top?k=ten|invalid_k",
      "/v1/q-1/views/top?k=33|invalid_k",
      "/v1/q-1/off/top|invalid_k",
      "/v1/q-1/ranked/top?by=country|invalid_by",
      "/v1/q-1/ranked/top?window=2h|invalid_window",
      "/v1/q-1/ranked/top?window=10m|invalid_window",
      "/v1/q-1/ranked/top/stream?window=1h|invalid_window",
      "/v1/q-1/ranked/top/stream?k=9|invalid_k",
  })
  void badTopQueriesGet400(String path, String code) {
    assertError(http.send("GET", path, null), 400, code);
  }

  @Test
  void offCounterExplainsTopIsOff() {
    HttpResponse<String> r = http.send("GET", "/v1/q-2/off/top", null);
    assertTrue(r.body().contains("top-K is off"), r.body());
    assertEquals(32, ok("/v1/q-2/views/top?k=32").getInteger("k"), "counters not listed get the default topk 32");
  }

  // ---- live top

  @Test
  void topStreamSendsTheListAtOnceThenANewLeaderWithinASecondAndAHalf() throws Exception {
    CounterKey key = new CounterKey("s-1", "ranked");
    String hash = KEYS.top(TopBy.USER, SketchWindow.ALL, 0, key);
    hset(hash, 0, top(Map.of("u-a", 5L, "u-b", 3L)), 1000);
    Sse sse = Sse.open("/v1/s-1/ranked/top/stream?by=user&k=2");
    try {
      assertEquals("text/event-stream", sse.contentType);
      Event first = sse.next();
      assertEquals("top", first.name);
      assertEquals(new JsonArray().add(entry("u-a", 5)).add(entry("u-b", 3)), first.data.getJsonArray("top"));
      assertEquals("user", first.data.getString("by"));
      assertEquals(2, first.data.getInteger("k"));

      hset(hash, 1, top(Map.of("u-c", 9L)), 2000); // a new leader
      long written = System.nanoTime();
      Event next = sse.next();
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - written);
      assertTrue(tookMs < 1500, "new leader after " + tookMs + " ms");
      assertEquals(new JsonArray().add(entry("u-c", 9)).add(entry("u-a", 5)), next.data.getJsonArray("top"));
      assertTrue(next.id > first.id, "ids grow: " + first.id + " then " + next.id);

      // A change outside the top k (and its updated_at) sends nothing; heartbeats keep coming.
      hset(hash, 2, top(Map.of("u-z", 1L)), 3000);
      assertTrue(sse.quietFor(1200), "no event when the list did not change");
      assertTrue(sse.heartbeats > 0, "heartbeat comments");
      assertEquals(1, edge.topPollers());
    } finally {
      sse.close();
    }
    awaitTrue(() -> edge.topStreams() == 0 && edge.topPollers() == 0, "the poller goes with its last stream");
  }

  @Test
  void streamsShareOnePollerAndAreCapped() throws Exception {
    Sse a = Sse.open("/v1/s-2/ranked/top?by=item".replace("/top", "/top/stream"));
    Sse b = Sse.open("/v1/s-2/ranked/top/stream?by=item");
    try {
      a.next();
      b.next();
      assertEquals(1, edge.topPollers(), "one poller for the same list");
      HttpResponse<String> third = http.send("GET", "/v1/s-3/ranked/top/stream", null);
      assertError(third, 503, "too_many_streams");
    } finally {
      a.close();
      b.close();
    }
    awaitTrue(() -> edge.topStreams() == 0 && edge.topPollers() == 0, "streams and pollers cleaned up");
  }

  // ---- helpers

  static JsonObject entry(String value, long weight) {
    return new JsonObject().put("value", value).put("estimate", weight).put("lower", weight).put("upper", weight);
  }

  static byte[] top(Map<String, Long> weights) {
    TopItems t = TopItems.empty(SETTINGS.of("ranked").mapSize());
    weights.forEach(t::add);
    return t.toBytes();
  }

  /** Writes a partition's sketch the way a worker does: field p&lt;partition&gt; → bytes, t → millis. */
  static void hset(String hash, int partition, byte[] sketch, long updatedAt) {
    byte[] h = hash.getBytes(StandardCharsets.UTF_8);
    jedis.hset(h, RedisKeys.partitionField(partition).getBytes(StandardCharsets.UTF_8), sketch);
    String t = jedis.hget(hash, "t");
    if (t == null || Long.parseLong(t) < updatedAt) {
      jedis.hset(hash, "t", Long.toString(updatedAt));
    }
  }

  static JsonObject ok(String path) {
    HttpResponse<String> r = http.send("GET", path, null);
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
    return new JsonObject(r.body());
  }

  static void assertError(HttpResponse<String> r, int status, String code) {
    assertEquals(status, r.statusCode(), r.body());
    JsonObject error = new JsonObject(r.body()).getJsonObject("error");
    assertEquals(code, error.getString("code"), r.body());
    assertTrue(error.getString("message").length() > 10, r.body());
  }

  static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(condition.getAsBoolean(), what);
  }

  record Event(String name, long id, JsonObject data) {}

  /** An SSE client collecting events; heartbeats are counted. */
  static final class Sse implements AutoCloseable {
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final String contentType;
    final InputStream body;
    volatile int heartbeats;

    private Sse(HttpResponse<InputStream> r) {
      this.contentType = r.headers().firstValue("Content-Type").orElse("");
      this.body = r.body();
      Thread.ofVirtual().start(this::read);
    }

    static Sse open(String path) throws Exception {
      HttpResponse<InputStream> r = http.client().sendAsync(HttpRequest.newBuilder(URI.create(http.base() + path)).GET().build(),
          HttpResponse.BodyHandlers.ofInputStream()).get(10, TimeUnit.SECONDS);
      assertEquals(200, r.statusCode());
      return new Sse(r);
    }

    private void read() {
      try (Stream<String> lines = new java.io.BufferedReader(new java.io.InputStreamReader(body, StandardCharsets.UTF_8)).lines()) {
        String[] name = {null};
        long[] id = {-1};
        lines.forEach(l -> {
          if (l.startsWith(": heartbeat")) {
            heartbeats++;
          } else if (l.startsWith("event: ")) {
            name[0] = l.substring(7);
          } else if (l.startsWith("id: ")) {
            id[0] = Long.parseLong(l.substring(4));
          } else if (l.startsWith("data: ")) {
            events.add(new Event(name[0], id[0], new JsonObject(l.substring(6))));
          }
        });
      } catch (RuntimeException e) {
        // closed by the test
      }
    }

    Event next() throws InterruptedException {
      Event e = events.poll(10, TimeUnit.SECONDS);
      if (e == null) {
        throw new AssertionError("no SSE event within 10 s");
      }
      return e;
    }

    boolean quietFor(long ms) throws InterruptedException {
      return events.poll(ms, TimeUnit.MILLISECONDS) == null;
    }

    @Override
    public void close() throws Exception {
      body.close();
    }
  }
}
