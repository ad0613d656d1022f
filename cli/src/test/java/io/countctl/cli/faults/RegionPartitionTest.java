package io.countctl.cli.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.countctl.core.config.FreePort;
import io.countctl.core.config.Settings;
import io.countctl.edge.EdgeConfig;
import io.countctl.edge.EdgeNode;
import io.countctl.testkit.KafkaTestCluster;
import io.countctl.testkit.RedisTestServer;
import io.countctl.worker.Worker;
import io.countctl.worker.WorkerConfig;
import io.countctl.worker.merge.RegionMergeConfig;
import io.countctl.worker.merge.RegionMerger;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 001's network-partition test, with three active-active regions (eu, us, ap), each with its
 * own real Kafka, Redis, worker, edge and region-merge role; every region-merge reaches a peer only
 * through a {@link LinkProxy} the test cuts. us's region-merge runs as its own process
 * ({@code COUNT_ROLE=region-merge}), so it can be killed -9. Clients write on every region
 * throughout; a region's global read must equal the sum of every acknowledged write, nothing lost
 * and nothing counted twice:
 * <ol>
 *   <li>links up: all agree;
 *   <li>eu–us cut: all three still agree within 5 s, through ap (relay);
 *   <li>us isolated: each side reads its own writes in full and the other's as last seen; healed,
 *       all agree within 5 s;
 *   <li>us's region-merge killed -9 mid-stream and restarted: all agree within 5 s of its restart.
 * </ol>
 */
class RegionPartitionTest {
  static final List<String> REGIONS = List.of("eu", "us", "ap");
  static final int COUNTERS = 12;
  static final Duration CONVERGE = Duration.ofSeconds(5);
  static final String CLUSTER = "geo";

  @TempDir
  static Path dir;

  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  static final Map<String, Region> regions = new LinkedHashMap<>();
  static final Map<String, LinkProxy> links = new HashMap<>(); // "eu>us": eu's shipments to us
  static final Map<String, Map<String, AtomicLong>> acked = new ConcurrentHashMap<>(); // region → counter → Σ
  static Vertx proxies;

  /** One region's parts. */
  static final class Region {
    final String name;
    final KafkaTestCluster kafka = KafkaTestCluster.start();
    final RedisTestServer redis = RedisTestServer.start();
    final int mergePort = FreePort.pick();
    Worker worker;
    EdgeNode edge;
    RegionMerger merger; // in-process
    ComponentProcess mergeProcess; // or its own JVM

    Region(String name) {
      this.name = name;
    }

    Map<String, String> settings() {
      return new HashMap<>(Map.of(
          Settings.CLUSTER, CLUSTER, Settings.REGION, name,
          Settings.KAFKA_BOOTSTRAP, kafka.bootstrapServers(), Settings.REDIS_URL, redis.url().toString(),
          Settings.HTTP_PORT, "0", "COUNT_PARTITIONS", "2"));
    }

    String peers() {
      return REGIONS.stream().filter(r -> !r.equals(name))
          .map(r -> r + "=http://127.0.0.1:" + links.get(name + ">" + r).port()).collect(Collectors.joining(","));
    }

    Map<String, String> mergeSettings() {
      Map<String, String> m = settings();
      m.putAll(Map.of("COUNT_ROLE", "region-merge", "COUNT_MERGE_PORT", Integer.toString(mergePort),
          Settings.HTTP_PORT, Integer.toString(mergePort), Settings.PEERS, peers(), "COUNT_PEER_SECRET", "partition-test",
          "COUNT_MERGE_INTERVAL_MS", "20", "COUNT_MERGE_HEARTBEAT_MS", "200"));
      return m;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    proxies = Vertx.vertx();
    for (String r : REGIONS) {
      Region region = new Region(r);
      regions.put(r, region);
      Map<String, String> w = region.settings();
      w.putAll(Map.of("COUNT_WORKER_ID", r + "-worker", "COUNT_FANOUT", "false"));
      region.worker = Worker.start(WorkerConfig.from(Settings.of(w)));
      Map<String, String> e = region.settings();
      e.putAll(Map.of("COUNT_EDGE_ID", r + "-edge", Settings.ACK_MODE, "durable", Settings.FLUSH_MS, "5",
          "COUNT_READ_CACHE_MS", "50", "COUNT_EVENT_LOOPS", "1"));
      region.edge = EdgeNode.start(EdgeConfig.from(Settings.of(e)));
      acked.put(r, new ConcurrentHashMap<>());
    }
    for (String from : REGIONS) {
      for (String to : REGIONS) {
        if (!from.equals(to)) {
          links.put(from + ">" + to, LinkProxy.start(proxies, regions.get(to).mergePort));
        }
      }
    }
    for (Region region : regions.values()) {
      if (region.name.equals("us")) {
        region.mergeProcess = ComponentProcess.start("us-region-merge", "io.countctl.worker.WorkerMain",
            region.mergeSettings(), region.mergePort, dir);
      } else {
        region.merger = RegionMerger.start(RegionMergeConfig.from(Settings.of(region.mergeSettings())));
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    for (Region r : regions.values()) {
      for (AutoCloseable c : new AutoCloseable[] {r.merger, r.mergeProcess, r.edge, r.worker, r.redis, r.kafka}) {
        if (c != null) {
          c.close();
        }
      }
    }
    links.values().forEach(LinkProxy::close);
    proxies.close();
  }

  @Test
  void everyRegionCountsThroughCutsAndAgreesAfterHealNothingLostNothingDoubled() throws Exception {
    // 1. Links up.
    writeEverywhere(150);
    awaitAgreement(REGIONS, Duration.ofSeconds(30)); // includes each role's first full scan

    // 2. eu and us cannot reach each other: ap relays.
    cut("eu", "us");
    writeEverywhere(150);
    long viaAp = awaitAgreement(REGIONS, CONVERGE);

    // 3. us is cut off from everyone.
    cut("us", "ap");
    Map<String, Long> usBefore = totals(List.of("us"));
    Map<String, Long> othersBefore = totals(List.of("eu", "ap"));
    writeEverywhere(150);
    await().atMost(CONVERGE).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
      Map<String, Long> us = totals(List.of("us"));
      Map<String, Long> others = totals(List.of("eu", "ap"));
      for (int c = 0; c < COUNTERS; c++) {
        String k = counter(c);
        assertEquals(us.get(k), read("us", k, true), "us reads its own writes in full: " + k);
        assertEquals(us.get(k) + othersBefore.get(k), read("us", k, false), "us: the others as last seen: " + k);
        for (String side : List.of("eu", "ap")) {
          assertEquals(others.get(k) + usBefore.get(k), read(side, k, false), side + ": us as last seen: " + k);
        }
      }
    });
    heal("us", "ap");
    heal("eu", "us");
    long healed = awaitAgreement(REGIONS, CONVERGE);

    // 4. us's region-merge is killed -9 while every region writes, then restarted.
    AtomicBoolean writing = new AtomicBoolean(true);
    try (ExecutorService background = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<?> load = background.submit(() -> {
        while (writing.get()) {
          writeEverywhere(20);
        }
        return null;
      });
      await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> true);
      regions.get("us").mergeProcess.kill();
      await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> true);
      regions.get("us").mergeProcess.restart(); // returns once it is ready
      writing.set(false);
      load.get();
    }
    long afterKill = awaitAgreement(REGIONS, CONVERGE);
    System.out.printf("region partition test: converged through ap in %d ms, after heal in %d ms, after a region-merge"
        + " kill -9 in %d ms%n", viaAp, healed, afterKill);
  }

  static String counter(int c) {
    return c == 0 ? "hot" : "post-" + c;
  }

  static void cut(String a, String b) {
    links.get(a + ">" + b).cut();
    links.get(b + ">" + a).cut();
  }

  static void heal(String a, String b) {
    links.get(a + ">" + b).heal();
    links.get(b + ">" + a).heal();
  }

  /** Σ of acknowledged writes per counter over {@code of}. */
  static Map<String, Long> totals(List<String> of) {
    Map<String, Long> out = new HashMap<>();
    for (int c = 0; c < COUNTERS; c++) {
      long sum = 0;
      for (String r : of) {
        AtomicLong v = acked.get(r).get(counter(c));
        sum += v == null ? 0 : v.get();
      }
      out.put(counter(c), sum);
    }
    return out;
  }

  /** Waits until every region's global read of every counter is Σ of all acknowledged writes. */
  static long awaitAgreement(List<String> in, Duration within) {
    long t0 = System.nanoTime();
    Map<String, Long> expected = totals(REGIONS);
    await().atMost(within).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
      for (String r : in) {
        for (Map.Entry<String, Long> e : expected.entrySet()) {
          assertEquals(e.getValue(), read(r, e.getKey(), false), r + " reads " + e.getKey());
        }
      }
    });
    return (System.nanoTime() - t0) / 1_000_000;
  }

  /** {@code writes} acknowledged writes on each region, from two clients per region. */
  static void writeEverywhere(int writes) throws Exception {
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> done = new ArrayList<>();
      for (String r : REGIONS) {
        for (int client = 0; client < 2; client++) {
          long seed = System.nanoTime() + client;
          done.add(pool.submit(() -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            for (int i = 0; i < writes / 2; i++) {
              String k = counter(rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(COUNTERS));
              boolean inc = rnd.nextInt(10) < 7;
              int by = 1 + rnd.nextInt(3);
              HttpResponse<String> resp = http.send(HttpRequest.newBuilder(uri(r, k, false))
                  .PUT(HttpRequest.BodyPublishers.ofString("{\"action\":\"" + (inc ? "increment" : "decrement")
                      + "\",\"by\":" + by + "}")).build(), HttpResponse.BodyHandlers.ofString());
              assertEquals(200, resp.statusCode(), resp.body());
              acked.get(r).computeIfAbsent(k, x -> new AtomicLong()).addAndGet(inc ? by : -by);
            }
            return null;
          }));
        }
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
  }

  static URI uri(String region, String counter, boolean regionOnly) {
    return URI.create("http://127.0.0.1:" + regions.get(region).edge.port() + "/v1/" + counter + "/likes"
        + (regionOnly ? "?scope=region" : ""));
  }

  static long read(String region, String counter, boolean regionOnly) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(region, counter, regionOnly)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getLong("count");
  }
}
