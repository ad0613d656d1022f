package io.countctl.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.config.Settings;
import io.countctl.testkit.KafkaTestCluster;
import io.countctl.testkit.RedisTestServer;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CORS on a real edge (real Kafka and Redis), called with Vert.x's HTTP client as a browser would:
 * with {@code Origin}, preflights, on the hot path ({@code PUT}/{@code GET} of a counter) and the
 * router's routes, from allowed and disallowed origins, and without CORS configured at all. Also the
 * {@code POST} a {@code sendBeacon} sends, and the console's files.
 */
class CrossOriginTest {
  static final String APP = "http://app.example:9000";
  static final String EVIL = "https://evil.example";
  static KafkaTestCluster kafka;
  static RedisTestServer redis;
  static EdgeNode listed;
  static EdgeNode any;
  static EdgeNode off;
  static Vertx vertx;
  static HttpClient client;

  record Reply(int status, MultiMap headers, String body) {
    String header(String name) {
      return headers.get(name);
    }

    List<String> list(String name) {
      String v = headers.get(name);
      return v == null ? List.of() : Arrays.stream(v.split(",")).map(String::strip).toList();
    }

    /** Every Access-Control-* header of the answer. */
    List<String> corsHeaders() {
      return headers.names().stream().filter(n -> n.toLowerCase().startsWith("access-control-")).toList();
    }
  }

  @BeforeAll
  static void start() {
    kafka = KafkaTestCluster.start();
    redis = RedisTestServer.start();
    listed = edge("cors-listed", APP + ",https://other.example");
    any = edge("cors-any", "*");
    off = edge("cors-off", "");
    vertx = Vertx.vertx();
    client = vertx.createHttpClient();
  }

  static EdgeNode edge(String id, String origins) {
    Map<String, String> m = new HashMap<>(Map.of(
        Settings.CLUSTER, "cors",
        Settings.KAFKA_BOOTSTRAP, kafka.bootstrapServers(),
        Settings.REDIS_URL, redis.url().toString(),
        Settings.HTTP_PORT, "0",
        "COUNT_EDGE_ID", id,
        "COUNT_PARTITIONS", "2",
        "COUNT_EVENT_LOOPS", "1"));
    m.put("COUNT_CORS_ORIGINS", origins);
    return EdgeNode.start(EdgeConfig.from(Settings.of(m)));
  }

  @AfterAll
  static void stop() throws Exception {
    client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    for (EdgeNode e : List.of(listed, any, off)) {
      e.close();
    }
    redis.close();
    kafka.close();
  }

  static Reply call(EdgeNode edge, HttpMethod method, String path, Map<String, String> headers, String body) {
    RequestOptions o = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(edge.port()).setURI(path);
    headers.forEach(o::putHeader);
    try {
      return client.request(o)
          .compose(req -> body == null ? req.send() : req.send(Buffer.buffer(body)))
          .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), resp.headers(), b.toString())))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(method + " " + path + " failed", e);
    }
  }

  static Map<String, String> origin(String origin) {
    return Map.of("Origin", origin);
  }

  static Reply preflight(EdgeNode edge, String origin, String method, String headers) {
    return call(edge, HttpMethod.OPTIONS, "/v1/pre-1/likes", Map.of("Origin", origin,
        "Access-Control-Request-Method", method, "Access-Control-Request-Headers", headers), null);
  }

  static long count(EdgeNode edge, String id) {
    Reply r = call(edge, HttpMethod.GET, "/v1/" + id + "/likes", Map.of(), null);
    assertEquals(200, r.status(), r.body());
    return new JsonObject(r.body()).getLong("count");
  }

  @Test
  void aPreflightFromAnAllowedOriginIsAnsweredAndCacheable() {
    Reply r = preflight(listed, APP, "PUT", "content-type,idempotency-key");
    assertEquals(204, r.status(), r.body());
    assertEquals(APP, r.header("Access-Control-Allow-Origin"));
    assertTrue(r.list("Access-Control-Allow-Methods").containsAll(List.of("GET", "PUT", "POST", "DELETE")),
        r.header("Access-Control-Allow-Methods"));
    assertTrue(r.list("Access-Control-Allow-Headers").stream().map(String::toLowerCase).toList()
        .containsAll(List.of("content-type", "idempotency-key", "last-event-id", "authorization")),
        r.header("Access-Control-Allow-Headers"));
    assertEquals("86400", r.header("Access-Control-Max-Age"));
    assertNull(r.header("Access-Control-Allow-Credentials"), "no cookies: credentials are never allowed");
  }

  @Test
  void aPreflightFromAnOriginNotAllowedIsRefusedWithoutCorsHeaders() {
    Reply r = preflight(listed, EVIL, "PUT", "content-type");
    assertEquals(403, r.status());
    assertEquals("origin_not_allowed", new JsonObject(r.body()).getJsonObject("error").getString("code"));
    assertEquals(List.of(), r.corsHeaders());
  }

  @Test
  void hotPathWritesAndReadsFromAnAllowedOriginCarryTheCorsHeaders() {
    Reply put = call(listed, HttpMethod.PUT, "/v1/cors-hot/likes", origin(APP), "{\"action\":\"increment\"}");
    assertEquals(200, put.status(), put.body());
    assertEquals(1, new JsonObject(put.body()).getLong("count"));
    Reply get = call(listed, HttpMethod.GET, "/v1/cors-hot/likes", origin(APP), null);
    assertEquals(200, get.status());
    for (Reply r : List.of(put, get)) {
      assertEquals(APP, r.header("Access-Control-Allow-Origin"));
      assertTrue(r.list("Vary").stream().anyMatch("Origin"::equalsIgnoreCase), "the answer depends on Origin: " + r.header("Vary"));
      assertTrue(r.list("Access-Control-Expose-Headers").containsAll(List.of("Count-Stale", "Retry-After")),
          r.header("Access-Control-Expose-Headers"));
      assertNull(r.header("Access-Control-Allow-Credentials"));
    }
  }

  @Test
  void aWriteFromAnOriginNotAllowedIsRefusedAndCountsNothing() {
    for (HttpMethod m : List.of(HttpMethod.PUT, HttpMethod.POST)) {
      Reply r = call(listed, m, "/v1/cors-evil/likes", origin(EVIL), "{\"action\":\"increment\"}");
      assertEquals(403, r.status(), m + ": " + r.body());
      assertEquals("origin_not_allowed", new JsonObject(r.body()).getJsonObject("error").getString("code"));
      assertEquals(List.of(), r.corsHeaders());
    }
    Reply read = call(listed, HttpMethod.GET, "/v1/cors-evil/likes", origin(EVIL), null);
    assertEquals(403, read.status());
    assertEquals(0, count(listed, "cors-evil"));
  }

  @Test
  void requestsWithoutOriginAreAnsweredAsWithoutCors() {
    Reply put = call(listed, HttpMethod.PUT, "/v1/cors-none/likes", Map.of(), "{\"action\":\"increment\"}");
    Reply get = call(listed, HttpMethod.GET, "/v1/cors-none/likes", Map.of(), null);
    Reply batch = call(listed, HttpMethod.POST, "/v1/batch", Map.of(),
        "{\"writes\":[{\"id\":\"cors-none\",\"counter\":\"likes\",\"action\":\"increment\"}]}");
    for (Reply r : List.of(put, get, batch)) {
      assertEquals(200, r.status(), r.body());
      assertEquals(List.of(), r.corsHeaders());
    }
    assertEquals(2, count(listed, "cors-none"));
  }

  @Test
  void theEdgesOwnPagesAreSameOriginAndNeedNoCors() {
    String self = "http://127.0.0.1:" + listed.port();
    Reply r = call(listed, HttpMethod.PUT, "/v1/cors-self/likes", origin(self), "{\"action\":\"increment\"}");
    assertEquals(200, r.status(), r.body());
    assertEquals(List.of(), r.corsHeaders());
  }

  @Test
  void starAllowsAnyOriginWithAWildcard() {
    Reply get = call(any, HttpMethod.GET, "/v1/cors-any/likes", origin(EVIL), null);
    assertEquals(200, get.status());
    assertEquals("*", get.header("Access-Control-Allow-Origin"));
    Reply pre = preflight(any, "http://localhost:5173", "PUT", "content-type");
    assertEquals(204, pre.status());
    assertEquals("*", pre.header("Access-Control-Allow-Origin"));
  }

  @Test
  void withoutCorsOriginsNoCorsHeaderIsSentAndNoPreflightAllowed() {
    Reply get = call(off, HttpMethod.GET, "/v1/cors-off/likes", origin(APP), null);
    assertEquals(200, get.status());
    assertEquals(List.of(), get.corsHeaders());
    Reply put = call(off, HttpMethod.PUT, "/v1/cors-off/likes", origin(APP), "{\"action\":\"increment\"}");
    assertEquals(200, put.status());
    assertEquals(List.of(), put.corsHeaders());
    Reply pre = preflight(off, APP, "PUT", "content-type");
    assertEquals(405, pre.status(), "no preflight is allowed: " + pre.body());
    assertEquals(List.of(), pre.corsHeaders());
  }

  @Test
  void streamsAreReadableCrossOrigin() throws Exception {
    for (String path : List.of("/v1/cors-live/likes/stream", "/v1/stream?counters=cors-live/likes,cors-live/views",
        "/v1/cors-live/likes/top/stream?by=item&k=3")) {
      RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(listed.port())
          .setURI(path).putHeader("Origin", APP).putHeader("Accept", "text/event-stream");
      HttpClientResponse resp = client.request(o).compose(req -> req.send())
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      try {
        assertEquals(200, resp.statusCode(), path);
        assertTrue(resp.getHeader("Content-Type").startsWith("text/event-stream"), path);
        assertEquals(APP, resp.getHeader("Access-Control-Allow-Origin"), path);
      } finally {
        resp.request().connection().close();
      }
    }
  }

  @Test
  void aBeaconPostWithATextPlainBodyCountsAsAPut() {
    Map<String, String> beacon = Map.of("Content-Type", "text/plain;charset=UTF-8");
    Reply hot = call(listed, HttpMethod.POST, "/v1/beacon-1/views", beacon, "{\"action\":\"increment\"}");
    assertEquals(200, hot.status(), hot.body());
    assertEquals("application/json", hot.header("Content-Type"));
    JsonObject first = new JsonObject(hot.body());
    assertEquals(1, first.getLong("count"));
    assertTrue(first.getString("updated_at").endsWith("Z"));
    Map<String, String> cross = new HashMap<>(beacon);
    cross.put("Origin", APP);
    Reply routed = call(listed, HttpMethod.POST, "/v1/beacon-1/views", cross, "{\"action\":\"increment\",\"by\":2}");
    assertEquals(200, routed.status(), routed.body());
    assertEquals(APP, routed.header("Access-Control-Allow-Origin"));
    assertEquals(3, new JsonObject(routed.body()).getLong("count"));
    Reply bad = call(listed, HttpMethod.POST, "/v1/beacon-1/views", beacon, "{\"action\":\"explode\"}");
    assertEquals(400, bad.status());
    assertEquals("invalid_action", new JsonObject(bad.body()).getJsonObject("error").getString("code"));
  }

  @Test
  void aKeyedBeaconRetriedCountsOnce() {
    Map<String, String> keyed = Map.of("Content-Type", "text/plain;charset=UTF-8", "Idempotency-Key", "beacon-retry-1");
    Reply first = call(listed, HttpMethod.POST, "/v1/beacon-2/views", keyed, "{\"action\":\"increment\"}");
    Reply again = call(listed, HttpMethod.POST, "/v1/beacon-2/views", keyed, "{\"action\":\"increment\"}");
    assertEquals(200, first.status(), first.body());
    assertEquals(200, again.status(), again.body());
    // Answered as a keyed PUT is (the retry counted once is proven with a worker: BrowserEndToEndTest).
    assertEquals(new JsonObject(first.body()).getLong("count"), new JsonObject(again.body()).getLong("count"));
  }

  @Test
  void theConsoleIsServedFromTheJar() {
    Reply redirect = call(off, HttpMethod.GET, "/console", Map.of(), null);
    assertEquals(302, redirect.status());
    assertEquals("/console/", redirect.header("Location"));
    Reply page = call(off, HttpMethod.GET, "/console/", Map.of(), null);
    assertEquals(200, page.status());
    assertTrue(page.header("Content-Type").startsWith("text/html"), page.header("Content-Type"));
    assertTrue(page.body().contains("<title>Count console</title>"));
    assertTrue(page.header("Content-Security-Policy").contains("connect-src 'self'"));
    Reply script = call(off, HttpMethod.GET, "/console/console.js", Map.of(), null);
    assertEquals(200, script.status());
    assertTrue(script.body().contains("new EventSource(\"/v1/stream?counters=\""), "one stream for all counters");
    assertEquals(404, call(off, HttpMethod.GET, "/console/nothing-here.js", Map.of(), null).status());
  }
}
