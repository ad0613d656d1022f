package io.countctl.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.config.Settings;
import io.countctl.core.config.Topics;
import io.countctl.core.kafka.KeyPartitions;
import io.countctl.core.key.CounterKey;
import io.countctl.testkit.TestServers;
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
  static TestServers servers;
  static EdgeNode edge;
  static EdgeHttp http;
  /** The internal port, where workers push changes. */
  static EdgeHttp internal;

  @BeforeAll
  static void start() {
    servers = TestServers.start();
    edge = EdgeNode.start(EdgeConfig.from(Settings.of(servers.settings("live", Map.of(
        "COUNT_PARTITIONS", "4",
        "COUNT_EVENT_LOOPS", "2",
        "COUNT_SSE_HEARTBEAT_MS", "300",
        "COUNT_INTERNAL_SECRET", "live-secret",
        "COUNT_SSE_COALESCE_MS", "5")))));
    http = EdgeHttp.to(edge.port());
    internal = EdgeHttp.internal(edge);
  }

  @AfterAll
  static void stop() {
    edge.close();
    servers.close();
  }

  /** Opens a stream and collects its data lines as JSON objects. */
  static BlockingQueue<Object> open(String path) {
    BlockingQueue<Object> out = new LinkedBlockingQueue<>();
    http.client().sendAsync(HttpRequest.newBuilder(URI.create(http.base() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofLines()).thenAcceptAsync(r -> {
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
        }, READERS); // never on the caller's thread (a response already there would run it inline, forever)
    return out;
  }

  /** Each stream's reader on its own virtual thread. */
  static final java.util.concurrent.Executor READERS = r -> Thread.ofVirtual().start(r);

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
  void streamStartsWithTheEdgesOwnViewIncludingUnappliedWrites() throws Exception {
    http.put("sse-1", "likes", "{\"action\":\"increment\",\"by\":3}");
    BlockingQueue<Object> q = open("/v1/sse-1/likes/stream");
    JsonObject first = nextEvent(q);
    assertEquals("sse-1", first.getString("id"));
    assertEquals(3, first.getLong("count"), "read-your-writes: no worker has applied it yet");
    // A pushed Redis state that lacks this edge's write must not make the stream step back.
    internal.send("POST", "/internal/totals", "{\"changes\":[{\"id\":\"sse-1\",\"counter\":\"likes\",\"p\":0,\"n\":0,\"t\":1,\"v\":5}]}");
    Object more = q.poll(1, TimeUnit.SECONDS);
    assertTrue(!(more instanceof JsonObject j) || j.getLong("count") >= 3, "stepped back: " + more);
  }

  @Test
  void pushedChangesAreSentOnlyWhenNewerThanWhatTheStreamSent() throws Exception {
    BlockingQueue<Object> q = open("/v1/sse-2/likes/stream");
    assertEquals(0, nextEvent(q).getLong("count"));
    post("sse-2", 10, 2, 3);
    assertEquals(8, nextEvent(q).getLong("count"));
    post("sse-2", 4, 0, 2); // older version arriving late: dropped
    post("sse-2", 7, 0, 3); // same version: dropped
    post("sse-2", 20, 0, 4);
    JsonObject next = nextEvent(q);
    assertEquals(20, next.getLong("count"), "only the newer version follows");
    assertEquals(4, next.getLong("version"));
  }

  static void post(String id, long p, long n, long v) {
    HttpResponse<String> r = internal.send("POST", "/internal/totals", new JsonObject().put("changes", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("id", id).put("counter", "likes").put("p", p).put("n", n).put("t", 1).put("v", v))).encode());
    assertEquals(204, r.statusCode(), r.body());
  }

  /** Opens a stream with raw lines (ids and event names included). */
  static BlockingQueue<String> openRaw(String path, String lastEventId) {
    BlockingQueue<String> out = new LinkedBlockingQueue<>();
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base() + path)).GET();
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    http.client().sendAsync(b.build(), HttpResponse.BodyHandlers.ofLines()).thenAcceptAsync(r -> {
      try (Stream<String> lines = r.body()) {
        lines.forEach(out::add);
      }
    }, READERS);
    return out;
  }

  static String nextLine(BlockingQueue<String> q, String prefix) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      String l = q.poll(100, TimeUnit.MILLISECONDS);
      if (l != null && l.startsWith(prefix)) {
        return l;
      }
    }
    throw new AssertionError("no line starting with '" + prefix + "' within 10 s");
  }

  @Test
  void lastEventIdResumesWithOnlyWhatIsNewerOrSaysItStartsOver() throws Exception {
    BlockingQueue<String> q = openRaw("/v1/stream?counters=res-a/likes,res-b/likes", null);
    nextLine(q, "id: ");
    post("res-a", 5, 0, 7);
    String id = nextLine(q, "id: ").substring(4);
    assertEquals("7.0", id, "versions per counter, in the stream's order");

    // The client had both; res-b changes while it is away: only res-b comes.
    post("res-b", 2, 0, 1);
    BlockingQueue<String> resumed = openRaw("/v1/stream?counters=res-a/likes,res-b/likes", id);
    assertEquals("7.1", nextLine(resumed, "id: ").substring(4)); // the id line comes first in its event
    JsonObject e = new JsonObject(nextLine(resumed, "data: ").substring(6));
    assertEquals("res-b", e.getString("id"));
    assertEquals(2, e.getLong("count"));

    BlockingQueue<String> foreign = openRaw("/v1/stream?counters=res-a/likes,res-b/likes", "999");
    assertEquals("event: reset", nextLine(foreign, "event: reset"));
    assertEquals(5, new JsonObject(nextLine(foreign, "data: {\"id\"").substring(6)).getLong("count"));
  }

  @Test
  void aClientThatStopsReadingIsDroppedAndItsWatcherLeaves() throws Exception {
    int before = edge.sseConnections();
    double watchersBefore = metric("count_edge_sse_watchers");
    List<CounterKey> keys = new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) { // many counters changing every tick: the backlog builds up in seconds
      keys.add(new CounterKey("slow-" + i, "likes"));
    }
    String query = String.join(",", keys.stream().map(CounterKey::toString).toList());
    try (java.net.Socket s = new java.net.Socket()) {
      s.setReceiveBufferSize(4096); // a tiny window: the edge's writes back up quickly
      s.connect(new java.net.InetSocketAddress("127.0.0.1", edge.port()));
      s.getOutputStream().write(("GET /v1/stream?counters=" + query + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      awaitConnections(before + 1);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      long v = 1;
      while (edge.sseConnections() > before && System.nanoTime() < deadline) {
        io.vertx.core.json.JsonArray changes = new io.vertx.core.json.JsonArray();
        for (CounterKey k : keys) {
          changes.add(new JsonObject().put("id", k.id()).put("counter", "likes").put("p", v * 1000).put("n", 0).put("t", 1).put("v", v));
        }
        internal.send("POST", "/internal/totals", new JsonObject().put("changes", changes).encode());
        v++;
        Thread.sleep(6); // one coalescing tick per round, so every round is written
      }
      assertEquals(before, edge.sseConnections(), "the slow client was dropped and unregistered while its socket is still open");
      assertEquals(watchersBefore, metric("count_edge_sse_watchers"), "no watcher left behind");
    }
  }

  @Test
  void closingTheClientUnregistersItsWatchers() throws Exception {
    int before = edge.sseConnections();
    var future = http.client().sendAsync(HttpRequest.newBuilder(URI.create(http.base() + "/v1/close-1/likes/stream")).GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
    var response = future.get(10, TimeUnit.SECONDS);
    awaitConnections(before + 1);
    response.body().close();
    awaitConnections(before);
  }

  static void awaitConnections(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (edge.sseConnections() != n && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(n, edge.sseConnections(), "open SSE connections");
  }

  static double metric(String name) {
    for (String line : http.send("GET", "/metrics", null).body().split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no metric " + name);
  }

  @Test
  void oneConnectionCarriesManyCountersAndHeartbeats() throws Exception {
    BlockingQueue<Object> q = open("/v1/stream?counters=m-1/likes,m-2/views");
    JsonObject a = nextEvent(q);
    JsonObject b = nextEvent(q);
    assertEquals(java.util.Set.of("m-1", "m-2"), java.util.Set.of(a.getString("id"), b.getString("id")));
    internal.send("POST", "/internal/totals",
        "{\"changes\":[{\"id\":\"m-2\",\"counter\":\"views\",\"p\":9007199254740993,\"n\":0,\"t\":1,\"v\":1}]}");
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
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers.kafka().bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "sub-check-" + System.nanoTime(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(new Topics("live").subscriptions()));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(200))) {
          String k = new String(rec.key(), StandardCharsets.UTF_8);
          if (k.startsWith("sub-7/likes|") && rec.value() != null) {
            assertEquals(KeyPartitions.partitionOf(key, 4), rec.partition());
            JsonObject sub = new JsonObject(new String(rec.value(), StandardCharsets.UTF_8));
            assertEquals("sub-7/likes", sub.getString("counter"));
            assertTrue(sub.getString("frontend").endsWith(":" + edge.internalPort()),
                "workers are told the internal port: " + sub.getString("frontend"));
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
    HttpResponse<String> badWebhook = internal.send("POST", "/internal/totals", "{\"nope\":1}");
    assertEquals(400, badWebhook.statusCode());
  }
}
