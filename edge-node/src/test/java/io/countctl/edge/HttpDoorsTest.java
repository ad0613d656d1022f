package io.countctl.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.config.ConfigException;
import io.countctl.core.config.Settings;
import io.countctl.testkit.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The edge's doors (issue #15, items 12, 14, 15): the internal port and its secret, HTTP limits,
 * and malformed HTTP. One edge with tight limits, against real Kafka and Redis.
 */
class HttpDoorsTest {
  static final String SECRET = "doors-secret";
  static TestServers servers;
  static EdgeNode edge;
  static EdgeHttp http;

  static Map<String, String> settings(Map<String, String> extra) {
    Map<String, String> m = servers.settings("doors", Map.of("COUNT_PARTITIONS", "2", "COUNT_EVENT_LOOPS", "2"));
    m.putAll(extra);
    return m;
  }

  @BeforeAll
  static void start() {
    servers = TestServers.start();
    Map<String, String> tight = new HashMap<>(Map.of(
        "COUNT_INTERNAL_SECRET", SECRET,
        "COUNT_MAX_WRITE_BODY_BYTES", "512",
        "COUNT_MAX_HEADER_BYTES", "2048",
        "COUNT_MAX_URL_BYTES", "1024",
        "COUNT_IDLE_TIMEOUT_MS", "3000",
        "COUNT_SSE_HEARTBEAT_MS", "500",
        "COUNT_REQUEST_READ_TIMEOUT_MS", "1000",
        "COUNT_MAX_CONNECTIONS", "30",
        "COUNT_SSE_MAX_STREAMS", "3",
        "COUNT_SSE_MAX_OPENS_PER_MINUTE", "4"));
    edge = EdgeNode.start(EdgeConfig.from(Settings.of(settings(tight))));
    http = EdgeHttp.to(edge.port());
  }

  @AfterAll
  static void stop() {
    edge.close();
    servers.close();
  }

  // ---- item 12: the internal port ----

  @Test
  void internalEndpointsAreNotOnThePublicPort() {
    for (String path : List.of("/internal/totals", "/internal/resubscribe")) {
      EdgeHttp withSecret = new EdgeHttp(http.client(), http.base(), SECRET);
      HttpResponse<String> r = withSecret.send("POST", path, "{\"changes\":[]}");
      assertEquals(404, r.statusCode(), path + " on the public port: " + r.body());
    }
  }

  @Test
  void theInternalPortWantsTheSecretAndAdvertisesItself() {
    EdgeHttp internal = EdgeHttp.internal(edge);
    assertEquals(204, internal.send("POST", "/internal/resubscribe", "{\"worker\":\"w\"}").statusCode());
    assertEquals(204, internal.send("POST", "/internal/totals", "{\"changes\":[]}").statusCode());
    for (String wrong : List.of("", "nope", SECRET + "x", SECRET.substring(1))) {
      EdgeHttp caller = new EdgeHttp(internal.client(), internal.base(), wrong);
      for (String path : List.of("/internal/totals", "/internal/resubscribe", "/internal/nothing")) {
        HttpResponse<String> r = caller.send("POST", path, "{\"changes\":[]}");
        assertEquals(401, r.statusCode(), "secret '" + wrong + "' on " + path);
        assertEquals("unauthorized", new JsonObject(r.body()).getJsonObject("error").getString("code"));
      }
    }
    assertTrue(edge.config().callbackUrl().endsWith(":" + edge.internalPort()),
        "workers are told the internal port: " + edge.config().callbackUrl());
    assertTrue(edge.internalPort() != edge.port());
    // The public API is not on the internal port.
    assertEquals(404, internal.send("GET", "/v1/x/likes", null).statusCode());
  }

  @Test
  void anEdgeWithoutASecretRefusesEveryInternalCallEvenFromLoopback() {
    try (EdgeNode open = EdgeNode.start(EdgeConfig.from(Settings.of(settings(Map.of()))))) {
      EdgeHttp internal = EdgeHttp.internal(open);
      for (String secret : List.of("", "anything")) {
        EdgeHttp caller = new EdgeHttp(internal.client(), internal.base(), secret);
        assertEquals(401, caller.send("POST", "/internal/resubscribe", "{}").statusCode());
        assertEquals(401, caller.send("POST", "/internal/totals", "{\"changes\":[]}").statusCode());
      }
    }
  }

  // ---- item 14: limits ----

  @Test
  void aSingleWriteHasASmallBodyLimitAndABatchALargerOne() {
    String padded = "{\"action\":\"increment\",\"pad\":\"" + "x".repeat(600) + "\"}";
    HttpResponse<String> big = http.send("PUT", "/v1/limits-1/likes", padded);
    assertEquals(413, big.statusCode(), big.body());
    assertTrue(big.body().contains("512"), big.body());
    StringBuilder batch = new StringBuilder("{\"writes\":[");
    for (int i = 0; i < 200; i++) {
      batch.append(i == 0 ? "" : ",").append("{\"id\":\"limits-1\",\"counter\":\"likes\",\"action\":\"increment\"}");
    }
    HttpResponse<String> ok = http.send("POST", "/v1/batch", batch.append("]}").toString());
    assertTrue(batch.length() > 512 * 10);
    assertEquals(200, ok.statusCode(), ok.body());
    assertEquals(200, http.count("limits-1", "likes"), "the refused write changed nothing");
  }

  @Test
  void headersAndRequestLinesHaveLimits() {
    try (RawHttp raw = new RawHttp(edge.port())) {
      RawHttp.Response r = raw.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(3000) + "\r\n\r\n").read();
      assertEquals(431, r.status());
      assertTrue(raw.closedWithin(2000));
    }
    try (RawHttp raw = new RawHttp(edge.port())) {
      RawHttp.Response r = raw.send("GET /v1/" + "a".repeat(1100) + "/likes HTTP/1.1\r\nHost: x\r\n\r\n").read();
      assertEquals(414, r.status());
    }
    assertEquals(200, http.send("GET", "/healthz", null).statusCode());
  }

  @Test
  void aSilentConnectionIsClosedAfterTheIdleTimeoutButAStreamWithHeartbeatsStays() throws Exception {
    try (RawHttp quiet = new RawHttp(edge.port()); RawHttp stream = new RawHttp(edge.port())) {
      assertEquals(200, quiet.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
      stream.send("GET /v1/idle-1/likes/stream HTTP/1.1\r\nHost: x\r\n\r\n");
      assertEquals(200, stream.read().status());
      long t0 = System.nanoTime();
      assertTrue(quiet.closedWithin(10_000), "idle connection still open");
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(ms >= 2000, "closed after " + ms + " ms, before the 3 s idle timeout");
      assertFalse(stream.closedWithin(1500), "a stream with heartbeats must outlive the idle timeout");
    }
    awaitStreams(0);
  }

  @Test
  void aRequestHeadSentAByteAtATimeIsCutOff() throws Exception {
    try (RawHttp slow = new RawHttp(edge.port())) {
      slow.send("GET /healthz HTTP/1.1\r\n");
      long t0 = System.nanoTime();
      boolean closed = false;
      for (int i = 0; i < 40 && !closed; i++) { // 8 s of dripping: never idle, never complete
        Thread.sleep(200);
        closed = !slow.trySend("X-Drip-" + i + ": y\r\n") || slow.closedWithin(1);
      }
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(closed || slow.closedWithin(2000), "a dripping head kept its connection for " + ms + " ms");
      // Never idle on the wire, but no message is decoded: Vert.x's idle timer (3 s) closes it.
      assertTrue(ms < 5000, "cut off after " + ms + " ms (idle timeout 3 s)");
    }
  }

  /** What never makes a request line is silence to Vert.x's idle timer (3 s here). */
  @Test
  void bytesThatNeverMakeARequestLineAreCutOffByTheIdleTimeout() {
    try (RawHttp garbage = new RawHttp(edge.port())) {
      garbage.send(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03}); // a TLS hello
      assertTrue(garbage.closedWithin(5000), "a TLS hello on the plain port is dropped");
    }
    for (String never : List.of("GET /healthz HTTP/1.1", "\r\n\r\n\r\n")) {
      try (RawHttp garbage = new RawHttp(edge.port())) {
        garbage.send(never);
        assertTrue(garbage.closedWithin(5000), "a request line never ended is closed: " + never.length() + " chars");
      }
    }
  }

  @Test
  void aBodySentAByteAtATimeGets408() throws Exception {
    try (RawHttp slow = new RawHttp(edge.port())) {
      slow.send("PUT /v1/slow-1/likes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{");
      long t0 = System.nanoTime();
      Thread drip = Thread.ofVirtual().start(() -> {
        for (int i = 0; i < 100 && slow.trySend(" "); i++) {
          try {
            Thread.sleep(100);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      RawHttp.Response r = slow.read();
      drip.interrupt();
      assertNotNull(r, "closed without an answer");
      assertEquals(408, r.status());
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(ms < 5000, "408 after " + ms + " ms");
    }
    assertEquals(0, http.count("slow-1", "likes"));
  }

  @Test
  void connectionsPastTheCapGet503WithRetryAfter() {
    List<RawHttp> open = new ArrayList<>();
    try {
      RawHttp.Response refused = null;
      for (int i = 0; i < 40 && refused == null; i++) { // cap 30, a few held by other clients
        RawHttp raw = new RawHttp(edge.port());
        open.add(raw);
        RawHttp.Response r = raw.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").read();
        if (r.status() != 200) {
          refused = r;
        }
      }
      assertNotNull(refused, "40 connections accepted with a cap of 30");
      assertEquals(503, refused.status());
      assertEquals("1", refused.headers().get("Retry-After"));
      assertEquals("too_many_connections", new JsonObject(refused.body()).getJsonObject("error").getString("code"));
      assertTrue(open.getLast().closedWithin(2000), "the refused connection is closed");
    } finally {
      open.forEach(RawHttp::close);
    }
    awaitCondition(() -> edge.connections() < 10, "connections close");
    assertEquals(200, http.send("GET", "/healthz", null).statusCode(), "served again once connections closed");
  }

  @Test
  void streamsPastTheCapGet503WithRetryAfter() {
    awaitStreams(0);
    List<RawHttp> streams = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        RawHttp s = new RawHttp(edge.port());
        streams.add(s);
        assertEquals(200, s.send("GET /v1/cap-" + i + "/likes/stream HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
      }
      awaitStreams(3);
      for (String path : List.of("/v1/cap-9/likes/stream", "/v1/stream?counters=cap-9/likes", "/v1/cap-9/likes/top/stream")) {
        HttpResponse<String> r = http.send("GET", path, null);
        assertEquals(503, r.statusCode(), path);
        assertEquals("1", r.headers().firstValue("Retry-After").orElse(""));
        assertEquals("too_many_streams", new JsonObject(r.body()).getJsonObject("error").getString("code"));
      }
    } finally {
      streams.forEach(RawHttp::close);
    }
    awaitStreams(0);
    try (RawHttp s = new RawHttp(edge.port())) {
      assertEquals(200, s.send("GET /v1/cap-9/likes/stream HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
    }
  }

  @Test
  void oneConnectionOpeningAndResettingStreamsIsCapped() throws Exception {
    awaitStreams(0);
    Vertx vertx = Vertx.vertx();
    try {
      // HTTP/2 (prior knowledge): one connection, each stream opened and reset at will.
      HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions()
          .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)
          .setDefaultHost("127.0.0.1").setDefaultPort(edge.port()));
      for (int i = 0; i < 4; i++) {
        HttpClientRequest req = client.request(HttpMethod.GET, "/v1/churn-1/likes/stream").await(10, TimeUnit.SECONDS);
        HttpClientResponse resp = req.send().await(10, TimeUnit.SECONDS);
        assertEquals(200, resp.statusCode(), "open " + i);
        awaitStreams(1);
        req.reset().await(10, TimeUnit.SECONDS);
        awaitStreams(0);
      }
      String[] status = new String[2];
      String body = client.request(HttpMethod.GET, "/v1/churn-1/likes/stream")
          .compose(HttpClientRequest::send)
          .compose(resp -> {
            status[0] = Integer.toString(resp.statusCode());
            status[1] = resp.getHeader("Retry-After");
            return resp.body();
          }).await(10, TimeUnit.SECONDS).toString();
      assertEquals("429", status[0], body);
      assertEquals("1", status[1]);
      assertEquals("too_many_stream_opens", new JsonObject(body).getJsonObject("error").getString("code"));
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    // Another connection has its own allowance.
    try (RawHttp s = new RawHttp(edge.port())) {
      assertEquals(200, s.send("GET /v1/churn-1/likes/stream HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
    }
  }

  @Test
  void theIdleTimeoutMustExceedTheHeartbeat() {
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> EdgeConfig.from(
        Settings.of(settings(Map.of("COUNT_IDLE_TIMEOUT_MS", "10000", "COUNT_SSE_HEARTBEAT_MS", "15000")))));
    assertTrue(e.getMessage().contains("COUNT_IDLE_TIMEOUT_MS"), e.getMessage());
  }

  // ---- item 15: malformed HTTP ----

  @Test
  void anInvalidChunkSizeGets400AndCountsNothing() {
    for (String method : List.of("PUT", "GET")) {
      try (RawHttp raw = new RawHttp(edge.port())) {
        RawHttp.Response r = raw.send(method + " /v1/chunk-1/likes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{\"action\":\"increment\"}\r\n0\r\n\r\n").read();
        assertNotNull(r, method + ": closed without an answer");
        assertEquals(400, r.status(), method + ": " + r.headers() + " " + r.body());
        assertTrue(raw.closedWithin(2000), "the connection of a broken message is closed");
      }
    }
    assertEquals(0, http.count("chunk-1", "likes"));
  }

  static void awaitStreams(int n) {
    awaitCondition(() -> edge.sseConnections() + edge.topStreams() == n, n + " open streams");
  }

  static void awaitCondition(java.util.function.BooleanSupplier ok, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited 15 s for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
