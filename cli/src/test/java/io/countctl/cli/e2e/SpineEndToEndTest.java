package io.countctl.cli.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.countctl.core.config.Settings;
import io.countctl.edge.EdgeNode;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole write path on real Kafka and Redis: two edges, two workers, many concurrent clients.
 * Every acknowledged write must be counted exactly once, as seen from both edges.
 */
class SpineEndToEndTest {
  static final int OPERATIONS = 100_000;
  static final int COUNTERS = 1_000;
  static final String HOT = "hot-post";

  static PlatformFixture platform;
  static List<EdgeNode> edges;

  @BeforeAll
  static void start() {
    platform = PlatformFixture.start("e2e", Map.of(Settings.ACK_MODE, "durable"));
    for (int i = 0; i < 2; i++) {
      platform.startWorker("worker-" + i);
    }
    for (int i = 0; i < 2; i++) {
      platform.startEdge("edge-" + i);
    }
    edges = platform.edges();
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  @Test
  void everyAcknowledgedWriteCountsOnceOnBothEdges() throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Map<String, AtomicLong> expected = new ConcurrentHashMap<>();
    AtomicLong acked = new AtomicLong();
    int clients = 64;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int clientNo = c;
        done.add(pool.submit(() -> {
          SplittableRandom rnd = new SplittableRandom(clientNo);
          String base = "http://127.0.0.1:" + edges.get(clientNo % 2).port();
          for (int op = clientNo; op < OPERATIONS; op += clients) {
            String id = op % 2 == 0 ? HOT : "post-" + rnd.nextInt(COUNTERS - 1);
            boolean inc = rnd.nextInt(10) < 7;
            int by = 1 + rnd.nextInt(3);
            String body = "{\"action\":\"" + (inc ? "increment" : "decrement") + "\",\"by\":" + by + "}";
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/" + id + "/likes"))
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            expected.computeIfAbsent(id, k -> new AtomicLong()).addAndGet(inc ? by : -by);
            acked.incrementAndGet();
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    assertEquals(OPERATIONS, acked.get());

    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      for (EdgeNode edge : edges) {
        for (Map.Entry<String, AtomicLong> e : expected.entrySet()) {
          assertEquals(e.getValue().get(), count(client, edge, e.getKey()), "count of " + e.getKey() + " on edge " + edge.port());
        }
      }
    });
  }

  static long count(HttpClient client, EdgeNode edge, String id) throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + edge.port() + "/v1/" + id + "/likes")).GET().build(), HttpResponse.BodyHandlers.ofString());
    return new JsonObject(r.body()).getLong("count");
  }
}
