package io.countctl.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.config.FreePort;
import io.countctl.core.config.Settings;
import io.countctl.edge.EdgeConfig;
import io.countctl.edge.EdgeNode;
import io.countctl.testkit.TestServers;
import io.countctl.worker.Worker;
import io.countctl.worker.WorkerConfig;
import io.countctl.worker.merge.RegionMergeConfig;
import io.countctl.worker.merge.RegionMerger;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
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
 * Live streams are global: a watcher in one region sees writes made in another, through that
 * region's commit, the region-merge shipment, the merge here (which bumps the counter's version)
 * and the totals record it publishes, and the stream never steps back while both regions write.
 */
class RegionLiveTest {
  static final List<String> REGIONS = List.of("eu", "us");
  static final Map<String, TestServers> servers = new HashMap<>();
  static final Map<String, Integer> mergePorts = new HashMap<>();
  static final Map<String, EdgeNode> edges = new HashMap<>();
  static final List<AutoCloseable> running = new ArrayList<>();
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    for (String r : REGIONS) {
      servers.put(r, TestServers.start());
      mergePorts.put(r, FreePort.pick());
    }
    for (String r : REGIONS) {
      String peers = REGIONS.stream().filter(p -> !p.equals(r))
          .map(p -> p + "=http://127.0.0.1:" + mergePorts.get(p)).reduce((a, b) -> a + "," + b).orElseThrow();
      // The role first: the change log is on before any commit (as countctl dev starts them).
      running.add(RegionMerger.start(RegionMergeConfig.from(settings(r, Map.of(
          "COUNT_MERGE_PORT", Integer.toString(mergePorts.get(r)), Settings.PEERS, peers,
          "COUNT_MERGE_INTERVAL_MS", "20", "COUNT_MERGE_HEARTBEAT_MS", "200")))));
      running.add(Worker.start(WorkerConfig.from(settings(r, Map.of("COUNT_WORKER_ID", r + "-worker")))));
      EdgeNode edge = EdgeNode.start(EdgeConfig.from(settings(r, Map.of("COUNT_EDGE_ID", r + "-edge"))));
      edges.put(r, edge);
      running.add(edge);
    }
  }

  static Settings settings(String region, Map<String, String> extra) {
    Map<String, String> m = servers.get(region).settings("geo-live", Map.of(
        Settings.REGION, region,
        Settings.FLUSH_MS, "5",
        "COUNT_PARTITIONS", "2",
        "COUNT_EVENT_LOOPS", "1",
        "COUNT_SSE_COALESCE_MS", "20",
        "COUNT_INTERNAL_SECRET", "geo-live-secret")); // workers push to the edges' internal port with it
    m.putAll(extra);
    return Settings.of(m);
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : running.reversed()) {
      c.close();
    }
    servers.values().forEach(TestServers::close);
  }

  static BlockingQueue<Long> watch(EdgeNode edge, String id) {
    BlockingQueue<Long> counts = new LinkedBlockingQueue<>();
    http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + "/v1/" + id + "/likes/stream")).GET().build(),
        HttpResponse.BodyHandlers.ofLines()).thenAcceptAsync(r -> {
          try (Stream<String> lines = r.body()) {
            lines.filter(l -> l.startsWith("data: ")).map(l -> new JsonObject(l.substring(6)))
                .filter(e -> id.equals(e.getString("id"))).forEach(e -> counts.add(e.getLong("count")));
          }
        }, command -> Thread.ofVirtual().start(command));
    return counts;
  }

  static void put(String region, String id, int by) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edges.get(region).port() + "/v1/" + id + "/likes"))
        .PUT(HttpRequest.BodyPublishers.ofString("{\"action\":\"increment\",\"by\":" + by + "}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }

  /** Reads the stream until it shows {@code count}; every value on the way must not go back. */
  static void awaitCount(BlockingQueue<Long> counts, long count, long[] last, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (System.nanoTime() < deadline) {
      Long c = counts.poll(20, TimeUnit.MILLISECONDS);
      if (c == null) {
        continue;
      }
      assertTrue(c >= last[0], "the stream stepped back from " + last[0] + " to " + c);
      last[0] = c;
      if (c == count) {
        return;
      }
    }
    throw new AssertionError("the stream did not show " + count + " within " + timeoutMs + " ms (last " + last[0] + ")");
  }

  @Test
  void aWatcherInOneRegionSeesWritesOfTheOtherAndNeverStepsBack() throws Exception {
    BlockingQueue<Long> us = watch(edges.get("us"), "geo-1");
    long[] last = {0};
    awaitCount(us, 0, last, 10_000); // the current value on connect

    put("eu", "geo-1", 3); // only in eu: it reaches the us stream through the merge
    awaitCount(us, 3, last, 15_000); // the subscription's first trip through Kafka included
    put("us", "geo-1", 4);
    awaitCount(us, 7, last, 5_000);
    for (int i = 1; i <= 5; i++) { // both regions write; each value on the stream is global
      put("eu", "geo-1", 1);
      put("us", "geo-1", 1);
    }
    awaitCount(us, 17, last, 5_000);

    BlockingQueue<Long> eu = watch(edges.get("eu"), "geo-1");
    long[] euLast = {0};
    awaitCount(eu, 17, euLast, 5_000); // a new stream opens on the global count
  }
}
