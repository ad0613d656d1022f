package io.countctl.worker.merge;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.config.Settings;
import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;
import io.countctl.core.store.CounterStore;
import io.countctl.core.store.PartitionCommit;
import io.countctl.core.store.RegionEntry;
import io.countctl.core.store.RegionStore;
import io.countctl.testkit.RedisTestServer;
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
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The region-merge role against real Redis servers (one per region): what its endpoint refuses,
 * that repeated and stale shipments change nothing, and shipping with relay between roles.
 */
class MergeEndpointTest {
  static final String SECRET = "s3cret-between-regions";
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  static final List<AutoCloseable> open = new ArrayList<>();
  static RedisTestServer redis;
  static CounterStore euStore;
  static RegionMerger eu;

  @BeforeAll
  static void start() {
    redis = track(RedisTestServer.start());
    euStore = track(new CounterStore(redis.url(), "m", 2));
    eu = track(RegionMerger.start(config("eu", redis, "m", "")));
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  static <T extends AutoCloseable> T track(T c) {
    open.add(c);
    return c;
  }

  static RegionMergeConfig config(String region, RedisTestServer redis, String cluster, String peers) {
    Map<String, String> m = new HashMap<>(Map.of(
        Settings.CLUSTER, cluster, Settings.REGION, region, Settings.REDIS_URL, redis.url().toString(),
        "COUNT_MERGE_PORT", "0", Settings.PEERS, peers, "COUNT_PEER_SECRET", SECRET,
        "COUNT_MERGE_INTERVAL_MS", "20", "COUNT_MERGE_HEARTBEAT_MS", "200"));
    return RegionMergeConfig.from(Settings.of(m));
  }

  static HttpResponse<String> post(RegionMerger to, String secret, byte[] body, boolean gzip) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + to.port() + MergeEndpoint.PATH))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/json");
    if (gzip) {
      b.header("Content-Encoding", "gzip");
    }
    if (secret != null) {
      b.header(MergeEndpoint.SECRET_HEADER, secret);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static byte[] json(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  static PnCounter state(io.countctl.core.store.StoredCounter c, String region) {
    RegionEntry e = c.remote().get(region);
    return e == null ? null : e.state();
  }

  static RegionEntry e(String key, String region, long p, long n, long t) {
    return new RegionEntry(CounterKey.parse(key), region, new PnCounter(p, n), t);
  }

  @Test
  void wrongInputIsRefusedWithA4xxAndChangesNothing() throws Exception {
    Map<String, Long> heardBefore = new RegionStore(euStore).heard();
    String good = "{\"v\":1,\"from\":\"us\",\"heard\":{\"us\":5},\"entries\":[[\"w/likes\",\"us\",3,1,5]]}";
    assertEquals(401, post(eu, null, json(good), false).statusCode(), "no secret");
    assertEquals(401, post(eu, "wrong", json(good), false).statusCode(), "wrong secret");
    Map<String, String> bad = Map.of(
        "not json", "malformed_state",
        "{\"v\":1,\"from\":\"eu\",\"entries\":[]}", "own_region",
        "{\"v\":1,\"from\":\"us\",\"entries\":[[\"w/likes\",\"eu\",3,1,5]]}", "own_region",
        "{\"v\":1,\"from\":\"us\",\"entries\":[[\"w/likes\",\"us\",-3,1,5]]}", "negative",
        "{\"v\":1,\"from\":\"us\",\"entries\":[[\"w/likes\",\"us\",1.5,1,5]]}", "malformed_state",
        "{\"v\":1,\"from\":\"us\",\"entries\":[[\"w/likes\",\"us\",3,1,5],[\"no-slash\",\"us\",1,1,5]]}", "invalid_key",
        "{\"v\":1,\"from\":\"US!\",\"entries\":[]}", "invalid_region",
        "{\"v\":2,\"from\":\"us\",\"entries\":[]}", "unsupported_version");
    for (Map.Entry<String, String> b : bad.entrySet()) {
      HttpResponse<String> r = post(eu, SECRET, json(b.getKey()), false);
      assertEquals(400, r.statusCode(), b.getKey());
      assertEquals(b.getValue(), new JsonObject(r.body()).getJsonObject("error").getString("code"), b.getKey());
    }
    assertTrue(euStore.read(CounterKey.parse("w/likes")).remote().isEmpty(), "nothing was merged");
    assertEquals(heardBefore, new RegionStore(euStore).heard());
  }

  @Test
  void repeatedReorderedAndStaleShipmentsNeverChangeATotal() throws Exception {
    byte[] newer = ShipmentCodec.encodeGzip(new Shipment("us", Map.of("us", 20L),
        List.of(e("r/likes", "us", 10, 4, 20), e("r/likes", "ap", 5, 0, 18))));
    byte[] older = ShipmentCodec.encodeGzip(new Shipment("ap", Map.of("ap", 10L),
        List.of(e("r/likes", "us", 7, 4, 12), e("r/likes", "ap", 2, 0, 10))));
    HttpResponse<String> first = post(eu, SECRET, newer, true);
    assertEquals(200, first.statusCode(), first.body());
    assertEquals(2, new JsonObject(first.body()).getInteger("merged"));
    assertEquals("eu", new JsonObject(first.body()).getString("region"));
    for (byte[] again : List.of(older, newer, older, newer)) {
      HttpResponse<String> r = post(eu, SECRET, again, true);
      assertEquals(200, r.statusCode());
      assertEquals(0, new JsonObject(r.body()).getInteger("merged"), "a duplicate or stale shipment changes nothing");
    }
    assertEquals(6 + 5, euStore.read(CounterKey.parse("r/likes")).globalCount());
  }

  /**
   * Three roles on three Redis servers, linked only eu→us→ap: ap learns eu's counts through us,
   * under eu's name; us never folds them into its own entry.
   */
  @Test
  void entriesTravelUnderTheirRegionAndAreRelayed() {
    RedisTestServer usRedis = track(RedisTestServer.start());
    RedisTestServer apRedis = track(RedisTestServer.start());
    RegionMerger ap = track(RegionMerger.start(config("ap", apRedis, "x", "")));
    RegionMerger us = track(RegionMerger.start(config("us", usRedis, "x", "ap=http://127.0.0.1:" + ap.port())));
    CounterStore euCounters = track(new CounterStore(redis.url(), "x", 2));
    euCounters.apply(new PartitionCommit(0, OptionalLong.empty(), 1, Map.of(),
        Map.of(CounterKey.parse("old/likes"), new PnCounter(2, 0)), 1)); // before the role: found by the first scan
    RegionMerger euMerger = track(RegionMerger.start(config("eu", redis, "x", "us=http://127.0.0.1:" + us.port())));
    CounterStore usCounters = track(new CounterStore(usRedis.url(), "x", 2));
    CounterStore apCounters = track(new CounterStore(apRedis.url(), "x", 2));
    usCounters.apply(new PartitionCommit(0, OptionalLong.empty(), 1, Map.of(),
        Map.of(CounterKey.parse("p/likes"), new PnCounter(1, 0)), 1));
    euCounters.apply(new PartitionCommit(0, OptionalLong.of(1), 2, Map.of(),
        Map.of(CounterKey.parse("p/likes"), new PnCounter(7, 2)), 2)); // logged: the role is on

    // Generous: the first full scans and shipments are quick alone, but this machine is shared.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      var atAp = apCounters.read(CounterKey.parse("p/likes"));
      assertEquals(new PnCounter(7, 2), state(atAp, "eu"));
      assertEquals(new PnCounter(1, 0), state(atAp, "us"));
      assertEquals(6, atAp.globalCount());
      assertEquals(2, apCounters.read(CounterKey.parse("old/likes")).globalCount());
    });
    var atUs = usCounters.read(CounterKey.parse("p/likes"));
    assertEquals(1, atUs.count(), "us's own entry holds only us's writes");
    assertEquals(6, atUs.globalCount());
    assertTrue(new RegionStore(apCounters).heard().containsKey("eu"), "ap heard of eu, through us");
    assertEquals(0, euMerger.peersJson().getJsonArray("peers").getJsonObject(0).getLong("backlog"));
  }
}
