package io.countctl.edge;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.countctl.core.config.Settings;
import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;
import io.countctl.core.store.CounterStore;
import io.countctl.core.store.RegionEntry;
import io.countctl.core.store.RegionStore;
import io.countctl.testkit.TestServers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reads with other regions' entries in this region's Redis (as the region-merge role leaves them):
 * global by default, {@code ?scope=region}, and {@code /regions}. No worker runs, so this region's
 * part is the edge's own not-yet-stored writes.
 */
class RegionReadsTest {
  static TestServers servers;
  static EdgeNode edge;
  static CounterStore store;
  static EdgeHttp http;

  @BeforeAll
  static void start() {
    servers = TestServers.start();
    edge = EdgeNode.start(EdgeConfig.from(Settings.of(servers.settings("geo", Map.of(Settings.REGION, "eu",
        "COUNT_PARTITIONS", "2", "COUNT_EVENT_LOOPS", "1", "COUNT_READ_CACHE_MS", "20")))));
    store = new CounterStore(servers.redis().url(), "geo", 2);
    http = EdgeHttp.to(edge.port());
  }

  @AfterAll
  static void stop() {
    edge.close();
    store.close();
    servers.close();
  }

  @Test
  void readsAreGlobalUnlessScopedToTheRegionAndRegionsListsEach() {
    new RegionStore(store).merge(List.of(
        new RegionEntry(CounterKey.parse("post-9/likes"), "us", new PnCounter(10, 3), 1_000),
        new RegionEntry(CounterKey.parse("post-9/likes"), "ap", new PnCounter(4, 0), 2_000)), Map.of("us", 5_000L, "sa", 6_000L));
    assertEquals(2, http.put("post-9", "likes", "{\"action\":\"increment\",\"by\":2}").getLong("count") - 11,
        "a write answers the global count");
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertEquals(13, http.count("post-9", "likes")));
    assertEquals(2, new JsonObject(http.send("GET", "/v1/post-9/likes?scope=region", null).body()).getLong("count"));
    assertEquals(400, http.send("GET", "/v1/post-9/likes?scope=planet", null).statusCode());

    JsonObject regions = new JsonObject(http.send("GET", "/v1/post-9/likes/regions", null).body());
    assertEquals(13, regions.getLong("count"));
    JsonArray list = regions.getJsonArray("regions");
    assertEquals(List.of("eu", "ap", "sa", "us"), list.stream().map(o -> ((JsonObject) o).getString("region")).toList());
    JsonObject eu = list.getJsonObject(0);
    assertEquals(true, eu.getBoolean("local"));
    assertEquals(2, eu.getLong("count"));
    JsonObject us = list.getJsonObject(3);
    assertEquals(7, us.getLong("count"));
    assertEquals("1970-01-01T00:00:05Z", us.getString("last_heard"));
    assertNull(list.getJsonObject(1).getString("last_heard"), "ap's entry came, but ap itself was never heard of directly");
    assertEquals(0, list.getJsonObject(2).getLong("count"), "sa is known but has no entry for this counter");
  }
}
