package io.countctl.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.config.Settings;
import io.countctl.edge.EdgeNode;
import io.countctl.worker.Worker;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Live counts across the platform: a watcher on one edge sees a write made on another edge,
 * through Kafka, a worker's commit, the totals topic and the fan-out's webhook.
 */
class LiveEndToEndTest {
  static final long FLUSH_MS = 5;
  static PlatformFixture platform;
  static List<EdgeNode> edges;
  static final HttpClient http = HttpClient.newHttpClient();
  /**
   * Where SSE streams are read: their own threads. (With plain thenAccept a response that is already
   * there when the callback is attached is read on the test thread, forever.)
   */
  static final java.util.concurrent.Executor READERS = command -> Thread.ofVirtual().start(command);

  @BeforeAll
  static void start() {
    platform = PlatformFixture.start("live-e2e", Map.of(
        Settings.FLUSH_MS, Long.toString(FLUSH_MS),
        "COUNT_SSE_COALESCE_MS", "20",
        "COUNT_INTERNAL_SECRET", "live-e2e-secret")); // workers push to the edges' internal port with it
    for (int i = 0; i < 2; i++) {
      platform.startWorker("live-worker-" + i);
      platform.startEdge("live-edge-" + i);
    }
    edges = platform.edges();
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  static BlockingQueue<JsonObject> watch(EdgeNode edge, String query) {
    BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
    http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + query)).GET().build(),
        HttpResponse.BodyHandlers.ofLines()).thenAcceptAsync(r -> {
          try (Stream<String> lines = r.body()) {
            lines.filter(l -> l.startsWith("data: ")).forEach(l -> events.add(new JsonObject(l.substring(6))));
          }
        }, READERS);
    return events;
  }

  static void put(EdgeNode edge, String id, String counter, int by) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + "/v1/" + id + "/" + counter))
        .PUT(HttpRequest.BodyPublishers.ofString("{\"action\":\"increment\",\"by\":" + by + "}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }

  /** Waits for an event of {@code id} with {@code count}; returns how long it took in ms. */
  static long awaitCount(BlockingQueue<JsonObject> events, String id, long count, long sinceNanos, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (System.nanoTime() < deadline) {
      JsonObject e = events.poll(20, TimeUnit.MILLISECONDS);
      if (e != null && id.equals(e.getString("id")) && e.getLong("count") == count) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
      }
    }
    throw new AssertionError("no event " + id + "=" + count + " within " + timeoutMs + " ms");
  }

  @Test
  void aWatcherOnOneEdgeSeesAWriteOnTheOtherWithinFlushPlusOneSecond() throws Exception {
    BlockingQueue<JsonObject> events = watch(edges.get(0), "/v1/watched-1/likes/stream");
    awaitCount(events, "watched-1", 0, System.nanoTime(), 10_000); // the current value on connect
    // The subscription travels through Kafka to the fan-out owner: allow it to arrive once.
    long settle = System.nanoTime();
    put(edges.get(1), "watched-1", "likes", 1);
    awaitCount(events, "watched-1", 1, settle, 15_000);

    long written = System.nanoTime();
    put(edges.get(1), "watched-1", "likes", 4);
    long ms = awaitCount(events, "watched-1", 5, written, FLUSH_MS + 1_000);
    assertTrue(ms <= FLUSH_MS + 1_000, "took " + ms + " ms");
  }

  @Test
  void watchersGetUpdatesAgainWithinTenSecondsAfterTheirFanOutWorkerDies() throws Exception {
    io.countctl.core.key.CounterKey key = new io.countctl.core.key.CounterKey("failover", "likes");
    int partition = io.countctl.core.kafka.KeyPartitions.partitionOf(key, 4);
    BlockingQueue<JsonObject> events = watch(edges.get(0), "/v1/failover/likes/stream");
    awaitCount(events, "failover", 0, System.nanoTime(), 10_000);
    put(edges.get(1), "failover", "likes", 1);
    awaitCount(events, "failover", 1, System.nanoTime(), 15_000);

    Worker owner = platform.workers().stream().filter(w -> w.fanoutPartitions().contains(partition)).findFirst()
        .orElseThrow(() -> new AssertionError("no worker fans out partition " + partition));
    platform.crash(owner);
    long crashed = System.nanoTime();
    // Keep writing until the watcher hears again: the survivor must take over the partition.
    long count = 1;
    long deadline = crashed + TimeUnit.SECONDS.toNanos(10);
    boolean heard = false;
    while (!heard && System.nanoTime() < deadline) {
      put(edges.get(1), "failover", "likes", 1);
      count++;
      JsonObject e = events.poll(500, TimeUnit.MILLISECONDS);
      while (e != null && !heard) {
        heard = "failover".equals(e.getString("id")) && e.getLong("count") > 1;
        e = events.poll();
      }
    }
    assertTrue(heard, "no update within 10 s of the worker's death");
    platform.startWorker("live-worker-late");
    assertTrue(count > 1);
  }

  @Test
  void aReconnectWithLastEventIdGetsTheCurrentValueAtOnce() throws Exception {
    put(edges.get(1), "resume", "likes", 7);
    long start = System.nanoTime();
    BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
    http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edges.get(0).port() + "/v1/resume/likes/stream"))
        .header("Last-Event-ID", "12345").GET().build(), HttpResponse.BodyHandlers.ofLines()).thenAcceptAsync(r -> {
          try (Stream<String> lines = r.body()) {
            lines.filter(l -> l.startsWith("data: ")).forEach(l -> events.add(new JsonObject(l.substring(6))));
          }
        }, READERS);
    long ms = awaitCount(events, "resume", 7, start, 5_000);
    assertTrue(ms < 5_000);
  }

  @Test
  void oneStreamCarriesAllItsCounters() throws Exception {
    BlockingQueue<JsonObject> events = watch(edges.get(0), "/v1/stream?counters=multi-a/likes,multi-b/views");
    awaitCount(events, "multi-a", 0, System.nanoTime(), 10_000);
    put(edges.get(1), "multi-a", "likes", 2);
    put(edges.get(1), "multi-b", "views", 3);
    long start = System.nanoTime();
    // Both counters' changes arrive on the same connection (order between them is free).
    List<String> seen = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (seen.size() < 2 && System.nanoTime() < deadline) {
      JsonObject e = events.poll(20, TimeUnit.MILLISECONDS);
      if (e != null && (("multi-a".equals(e.getString("id")) && e.getLong("count") == 2)
          || ("multi-b".equals(e.getString("id")) && e.getLong("count") == 3)) && !seen.contains(e.getString("id"))) {
        seen.add(e.getString("id"));
      }
    }
    assertEquals(2, seen.size(), "saw " + seen + " after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
  }
}
