package io.countctl.downtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.downtime.support.Api;
import io.countctl.testkit.RedisTestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP API: cleanup, the listing, bad input, the shared secret. */
class HttpApiTest {
  static RedisTestServer redis;
  static DowntimeHandler open;
  static DowntimeHandler guarded;

  @BeforeAll
  static void start() {
    redis = RedisTestServer.start();
    open = DowntimeHandler.start(new DowntimeConfig("api", redis.url(), 0, "default", false,
        Duration.ofMinutes(5), Optional.empty()));
    guarded = DowntimeHandler.start(new DowntimeConfig("guarded", redis.url(), 0, "default", false,
        Duration.ofMinutes(5), Optional.of("s3cret")));
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {open, guarded, redis}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  static JsonArray frontendsOf(Api api, String worker) {
    return api.get("/v1/workers").json().getJsonArray("workers").stream()
        .map(JsonObject.class::cast)
        .filter(w -> worker.equals(w.getString("worker")))
        .findFirst().map(w -> w.getJsonArray("frontends")).orElse(new JsonArray());
  }

  @Test
  void cleanupForgetsAFrontendForEveryWorker() {
    Api api = new Api(open.port());
    api.store("c-1", "http://10.0.0.1:8080");
    api.store("c-1", "http://10.0.0.2:8080");
    api.store("c-2", "http://10.0.0.1:8080");
    assertEquals(204, api.post("/cleanup", "{\"frontend\":\"http://10.0.0.1:8080/\"}").status());
    assertEquals(new JsonArray().add("http://10.0.0.2:8080"), frontendsOf(api, "c-1"));
    assertEquals(new JsonArray(), frontendsOf(api, "c-2"));
  }

  @Test
  void cleanupByOneWorkerKeepsTheOthersThatStillServeTheFrontend() {
    Api api = new Api(open.port());
    api.store("w-1", "http://10.0.1.1:8080");
    api.store("w-2", "http://10.0.1.1:8080");
    assertEquals(204, api.post("/cleanup", "{\"frontend\":\"http://10.0.1.1:8080\",\"worker\":\"w-1\"}").status());
    assertEquals(new JsonArray(), frontendsOf(api, "w-1"));
    assertEquals(new JsonArray().add("http://10.0.1.1:8080"), frontendsOf(api, "w-2"), "w-2 still serves it");
  }

  @Test
  void listsHeartbeats() {
    Api api = new Api(open.port());
    api.heartbeat("h-1");
    JsonObject w = api.get("/v1/workers").json().getJsonArray("workers").stream().map(JsonObject.class::cast)
        .filter(o -> o.getString("worker").equals("h-1")).findFirst().orElseThrow();
    assertTrue(w.getString("last_heartbeat").endsWith("Z"), w.encode());
  }

  @Test
  void badInputIsA4xxJsonError() {
    Api api = new Api(open.port());
    assertError(api.post("/store", "{not json"), 400, "malformed_json");
    assertError(api.post("/store", ""), 400, "malformed_json");
    assertError(api.post("/store", "[1,2]"), 400, "malformed_json");
    assertError(api.post("/store", "{\"worker\":\"w\"}"), 400, "missing_field");
    assertError(api.post("/store", "{\"frontend\":\"http://a:1\"}"), 400, "missing_field");
    assertError(api.post("/store", "{\"worker\":5,\"frontend\":\"http://a:1\"}"), 400, "invalid_worker");
    assertError(api.post("/store", "{\"worker\":\"has space\",\"frontend\":\"http://a:1\"}"), 400, "invalid_worker");
    assertError(api.post("/store", "{\"worker\":\"w\",\"frontend\":\"ftp://a:1\"}"), 400, "invalid_frontend");
    assertError(api.post("/store", "{\"worker\":\"w\",\"frontend\":\"not a url\"}"), 400, "invalid_frontend");
    assertError(api.post("/cleanup", "{}"), 400, "missing_field");
    assertError(api.post("/heartbeat", "{\"worker\":\"\"}"), 400, "invalid_worker");
    assertError(api.post("/store", "{\"worker\":\"w\",\"frontend\":\"http://a:1\",\"pad\":\"" + "x".repeat(20_000) + "\"}"),
        413, "body_too_large");
    assertError(api.get("/store"), 405, "method_not_allowed");
    assertError(api.send("DELETE", "/v1/workers"), 405, "method_not_allowed");
    assertError(api.get("/nope"), 404, "not_found");
    assertEquals(0, frontendsOf(api, "w").size(), "nothing bad was stored");
  }

  @Test
  void aConfiguredSecretIsRequiredOnEveryPost() {
    Api api = new Api(guarded.port());
    String body = "{\"worker\":\"s-1\",\"frontend\":\"http://10.0.0.9:8080\"}";
    assertError(api.post("/store", body), 401, "unauthorized");
    assertError(api.post("/store", body, "X-Count-Secret", "wrong"), 401, "unauthorized");
    assertError(api.post("/heartbeat", "{\"worker\":\"s-1\"}"), 401, "unauthorized");
    assertError(api.post("/cleanup", "{\"frontend\":\"http://10.0.0.9:8080\"}"), 401, "unauthorized");
    assertEquals(0, frontendsOf(api, "s-1").size());
    assertEquals(204, api.post("/store", body, "X-Count-Secret", "s3cret").status());
    assertEquals(1, frontendsOf(api, "s-1").size());
    assertEquals(200, api.get("/healthz").status());
    assertEquals(200, api.get("/readyz").status());
  }

  static void assertError(Api.Reply reply, int status, String code) {
    assertEquals(status, reply.status(), reply.toString());
    assertEquals(code, reply.json().getJsonObject("error").getString("code"), reply.toString());
  }
}
