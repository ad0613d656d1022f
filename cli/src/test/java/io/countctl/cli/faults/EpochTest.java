package io.countctl.cli.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.batch.EdgeMark;
import io.countctl.core.config.Settings;
import io.countctl.core.key.CounterKey;
import io.countctl.core.store.CounterStore;
import io.countctl.edge.EdgeConfig;
import io.countctl.edge.EdgeNode;
import io.countctl.testkit.TestServers;
import io.countctl.worker.Worker;
import io.countctl.worker.WorkerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The edge's epoch comes from the store, not the clock (#15 item 4). The previous run of an edge
 * left marks an hour ahead of this machine's clock (its clock was ahead, or this one stepped back):
 * a restart with the same name must still be counted, and each start's epoch is above the last.
 */
class EpochTest {
  @Test
  void aRestartWithTheClockBehindTheLastEpochIsCountedAndEpochsGrow() throws Exception {
    String cluster = "epochs";
    String edgeId = "edge-same-name";
    try (TestServers servers = TestServers.start()) {
      Map<String, String> common = servers.settings(cluster, Map.of("COUNT_PARTITIONS", "2", "COUNT_EVENT_LOOPS", "1"));
      Map<String, String> workerSettings = new HashMap<>(common);
      workerSettings.put("COUNT_WORKER_ID", "epoch-worker");
      workerSettings.put("COUNT_FANOUT", "false");
      Map<String, String> edgeSettings = new HashMap<>(common);
      edgeSettings.put("COUNT_EDGE_ID", edgeId);
      long ahead = System.currentTimeMillis() + 3_600_000;
      try (Jedis j = new Jedis(servers.redis().url())) { // what a run with its clock an hour ahead left behind
        j.set("{" + cluster + "}:epoch", Long.toString(ahead));
        for (int p = 0; p < 2; p++) {
          j.hset("{" + cluster + "}:hwm:" + p, edgeId, ahead + ":1000");
        }
      }
      CounterKey key = new CounterKey("post-1", "likes");
      HttpClient http = HttpClient.newHttpClient();
      try (Worker worker = Worker.start(WorkerConfig.from(Settings.of(workerSettings)));
           CounterStore store = new CounterStore(servers.redis().url(), cluster, 2)) {
        long previous = ahead;
        for (int run = 1; run <= 2; run++) {
          try (EdgeNode edge = EdgeNode.start(EdgeConfig.from(Settings.of(edgeSettings)))) {
            for (int i = 0; i < 20; i++) {
              HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port()
                  + "/v1/post-1/likes")).PUT(HttpRequest.BodyPublishers.ofString("{\"action\":\"increment\"}")).build(),
                  HttpResponse.BodyHandlers.ofString());
              assertEquals(200, r.statusCode(), r.body());
            }
          }
          long expected = 20L * run;
          await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
              .untilAsserted(() -> assertEquals(expected, store.read(key).state().value(), "the restarted edge's writes count"));
          long epoch = Math.max(store.highWaterMarks(0).get(edgeId).epoch(), store.highWaterMarks(1).get(edgeId).epoch());
          assertTrue(epoch > previous, "run " + run + ": epoch " + epoch + " above the last one, " + previous);
          EdgeMark mark = store.highWaterMarks(0).get(edgeId);
          assertEquals(0, mark.missing().length, "nothing missing: " + mark);
          previous = epoch;
        }
      }
    }
  }
}
