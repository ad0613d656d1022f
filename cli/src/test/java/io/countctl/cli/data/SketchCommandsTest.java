package io.countctl.cli.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.cli.CountCtl;
import io.countctl.cli.provision.CommandRun;
import io.countctl.core.config.Settings;
import io.countctl.core.key.CounterKey;
import io.countctl.core.sketch.SketchSettings;
import io.countctl.core.sketch.SketchWindow;
import io.countctl.core.sketch.TopBy;
import io.countctl.core.sketch.TopItems;
import io.countctl.core.sketch.UniqueSketch;
import io.countctl.core.store.RedisKeys;
import io.countctl.edge.EdgeConfig;
import io.countctl.edge.EdgeNode;
import io.countctl.testkit.FreePorts;
import io.countctl.testkit.TestServers;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** {@code countctl unique} and {@code countctl top} against an edge, sketches written into Redis as a worker would. */
class SketchCommandsTest {
  static final String CLUSTER = "skcli";
  static final RedisKeys KEYS = new RedisKeys(CLUSTER);
  static TestServers servers;
  static EdgeNode edge;
  static Jedis jedis;
  static String url;

  @BeforeAll
  static void start() {
    servers = TestServers.start();
    edge = EdgeNode.start(EdgeConfig.from(Settings.of(servers.settings(CLUSTER, Map.of(
        "COUNT_PARTITIONS", "2",
        "COUNT_EVENT_LOOPS", "1",
        "COUNT_TOP_REFRESH_MS", "100",
        SketchSettings.SETTING, "comments:topk=5:windows=1h+all")))));
    url = "http://127.0.0.1:" + edge.port();
    jedis = new Jedis(servers.redis().url());
  }

  @AfterAll
  static void stop() {
    jedis.close();
    edge.close();
    servers.close();
  }

  static CommandRun run(String... args) {
    return CommandRun.of(args);
  }

  @Test
  void uniquePrintsTheEstimateInEachFormat() {
    UniqueSketch s = UniqueSketch.empty(13);
    for (int i = 0; i < 40; i++) {
      s.add("u-" + i);
    }
    hset(KEYS.unique(new CounterKey("video-9", "views")), 0, s.toBytes(), 1_767_225_600_000L);
    CommandRun table = run("unique", "views", "video-9", "--url", url);
    assertEquals(0, table.exitCode(), table.err());
    assertTrue(table.out().startsWith("video-9/views  unique users ≈ 40  (95 %: "), table.out());
    assertTrue(table.out().contains("(updated 2026-01-01T00:00:00Z)"), table.out());
    CommandRun json = run("unique", "views", "video-9", "--url", url, "-o", "json");
    assertEquals(40, new JsonObject(json.out().trim()).getLong("estimate"));
    CommandRun yaml = run("unique", "views", "video-9", "--url", url, "-o", "yaml");
    assertTrue(yaml.out().contains("estimate: 40\n") && yaml.out().contains("updated_at: \"2026-01-01T00:00:00Z\""), yaml.out());
  }

  @Test
  void topPrintsARankedTableAndTheEdgesErrors() {
    CounterKey key = new CounterKey("post-1", "comments");
    hset(KEYS.top(TopBy.USER, SketchWindow.ALL, 0, key), 0, top(Map.of("u-3", 912L, "u-17", 40L, "u-8", 7L)), 1000);
    CommandRun r = run("top", "comments", "post-1", "--by", "user", "-k", "2", "--url", url);
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("""
        post-1/comments  top 2 users, window all  (updated 1970-01-01T00:00:01Z)
        #  USER  ESTIMATE  LOWER  UPPER
        1  u-3        912    912    912
        2  u-17        40     40     40
        """, r.out());
    CommandRun empty = run("top", "comments", "post-2", "--window", "1h", "--url", url);
    assertEquals("post-2/comments  top 5 items, window 1h\n(no items yet)\n", empty.out());

    CommandRun badK = run("top", "comments", "post-1", "-k", "6", "--url", url);
    assertEquals(1, badK.exitCode());
    assertTrue(badK.err().contains("k must be a whole number from 1 to 5") && badK.err().contains("(invalid_k)"), badK.err());
    CommandRun badWindow = run("top", "comments", "post-1", "--window", "10m", "--url", url, "--watch");
    assertEquals(1, badWindow.exitCode());
    assertTrue(badWindow.err().contains("(invalid_window)"), badWindow.err());
    CommandRun badOutput = run("top", "comments", "post-1", "-o", "xml", "--url", url);
    assertEquals(2, badOutput.exitCode(), "picocli refuses an unknown format");
  }

  @Test
  void unreachableEdgeIsSaidPlainly() {
    String nowhere = "http://127.0.0.1:" + FreePorts.next();
    CommandRun u = run("unique", "views", "video-9", "--url", nowhere);
    assertEquals(1, u.exitCode());
    assertTrue(u.err().contains("no edge at " + nowhere), u.err());
    CommandRun w = run("top", "views", "video-9", "--watch", "--url", nowhere);
    assertEquals(1, w.exitCode());
    assertTrue(w.err().contains("no edge at " + nowhere), w.err());
  }

  @Test
  void watchReprintsTheListWhenItChanges() throws Exception {
    CounterKey key = new CounterKey("post-w", "comments");
    String hash = KEYS.top(TopBy.ITEM, SketchWindow.ALL, 0, key);
    hset(hash, 0, top(Map.of("fr", 3L)), 1000);
    PrintStream oldOut = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      CompletableFuture<Integer> watch = CompletableFuture.supplyAsync(() -> CountCtl.commandLine()
          .execute("top", "comments", "post-w", "--watch", "--max-events", "2", "-o", "json", "--url", url));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!out.toString(StandardCharsets.UTF_8).contains("\"fr\"") && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      hset(hash, 1, top(Map.of("de", 8L)), 2000);
      assertEquals(0, watch.get(10, TimeUnit.SECONDS));
    } finally {
      System.setOut(oldOut);
    }
    String[] lines = out.toString(StandardCharsets.UTF_8).trim().split("\n");
    assertEquals(2, lines.length, String.join("\n", lines));
    assertEquals("fr", new JsonObject(lines[0]).getJsonArray("top").getJsonObject(0).getString("value"));
    assertEquals("de", new JsonObject(lines[1]).getJsonArray("top").getJsonObject(0).getString("value"));
  }

  @Test
  void helpShowsExamples() {
    CommandRun help = run("top", "--help");
    assertEquals(0, help.exitCode());
    assertTrue(help.out().contains("countctl top comments post-1 --by user -k 10 --window 1h"), help.out());
    assertTrue(run("unique", "--help").out().contains("countctl unique views video-9"));
  }

  static byte[] top(Map<String, Long> weights) {
    TopItems t = TopItems.empty(SketchSettings.parse("comments:topk=5").of("comments").mapSize());
    weights.forEach(t::add);
    return t.toBytes();
  }

  static void hset(String hash, int partition, byte[] sketch, long updatedAt) {
    jedis.hset(hash.getBytes(StandardCharsets.UTF_8), RedisKeys.partitionField(partition).getBytes(StandardCharsets.UTF_8), sketch);
    jedis.hset(hash, "t", Long.toString(updatedAt));
  }
}
