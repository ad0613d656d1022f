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

/** The HTTP API: cleanup, the listing, bad input, the shared secret, the frontend allow-list. */
class HttpApiTest {
  static RedisTestServer redis;
  static DowntimeHandler open;

  @BeforeAll
  static void start() {
    redis = RedisTestServer.start();
    open = DowntimeHandler.start(Api.config("api", redis.url(), "default", false, Duration.ofMinutes(5)));
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {open, redis}) {
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
  void theSecretIsRequiredOnEveryPostAndOnTheListing() {
    Api anonymous = Api.anonymous(open.port());
    String body = "{\"worker\":\"s-1\",\"frontend\":\"http://10.0.0.9:8080\"}";
    assertError(anonymous.post("/store", body), 401, "unauthorized");
    assertError(anonymous.post("/store", body, "X-Count-Secret", "wrong"), 401, "unauthorized");
    assertError(anonymous.post("/store", body, "X-Count-Secret", Api.SECRET + "x"), 401, "unauthorized");
    assertError(anonymous.post("/heartbeat", "{\"worker\":\"s-1\"}"), 401, "unauthorized");
    assertError(anonymous.post("/cleanup", "{\"frontend\":\"http://10.0.0.9:8080\"}"), 401, "unauthorized");
    assertError(anonymous.get("/v1/workers"), 401, "unauthorized");
    assertError(anonymous.get("/v1/workers?x=1"), 401, "unauthorized");
    Api api = new Api(open.port());
    assertEquals(0, frontendsOf(api, "s-1").size());
    assertEquals(204, anonymous.post("/store", body, "X-Count-Secret", Api.SECRET).status());
    assertEquals(1, frontendsOf(api, "s-1").size());
    // Probes stay open: the kubelet has no secret.
    assertEquals(200, anonymous.get("/healthz").status());
    assertEquals(200, anonymous.get("/readyz").status());
  }

  @Test
  void onlyFrontendsInTheClustersOwnAddressSpaceAreRegistered() {
    Api api = new Api(open.port());
    for (String outside : new String[] {"http://203.0.113.7:8080", "http://169.254.169.254", "https://example.com",
        "http://[2001:db8::1]:8080", "http://0.0.0.0:8080", "http://evil.svc.example.com", "http://8.8.8.8/x"}) {
      assertError(api.post("/store", "{\"worker\":\"a-1\",\"frontend\":\"" + outside + "\"}"), 403, "frontend_not_allowed");
    }
    assertEquals(0, frontendsOf(api, "a-1").size(), "nothing outside was stored");
    for (String inside : new String[] {"http://10.1.2.3:8080", "http://172.20.0.5:8080", "http://192.168.1.1",
        "http://127.0.0.1:9000", "http://[::1]:8080", "http://[fd00::5]:8080", "http://likes-edge.prod.svc:8080",
        "http://likes-edge.prod.svc.cluster.local:8080", "http://localhost:8080"}) {
      api.store("a-1", inside);
    }
    assertEquals(9, frontendsOf(api, "a-1").size());
  }

  static void assertError(Api.Reply reply, int status, String code) {
    assertEquals(status, reply.status(), reply.toString());
    assertEquals(code, reply.json().getJsonObject("error").getString("code"), reply.toString());
  }
}
