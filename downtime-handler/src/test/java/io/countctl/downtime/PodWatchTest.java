package io.countctl.downtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import io.countctl.downtime.support.Api;
import io.countctl.downtime.support.FakeFrontend;
import io.countctl.testkit.k8s.KubernetesApiMock;
import io.countctl.testkit.RedisTestServer;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Worker death seen through the Kubernetes API (fabric8 mock server, CRUD mode). */
class PodWatchTest {
  static RedisTestServer redis;
  KubernetesApiMock mock;
  KubernetesClient kube;

  @BeforeAll
  static void redis() {
    redis = RedisTestServer.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @BeforeEach
  void kubernetes() {
    mock = KubernetesApiMock.startCrud();
    kube = mock.client();
  }

  @AfterEach
  void stopKubernetes() {
    mock.close();
  }

  static DowntimeConfig config(String cluster) {
    // Long heartbeat timeout: these tests are about the pod watch only.
    return Api.config(cluster, redis.url(), "test", true, Duration.ofMinutes(5));
  }

  void createWorkerPod(String name, String cluster) {
    kube.pods().inNamespace("test").resource(new PodBuilder().withNewMetadata().withName(name)
        .addToLabels("app.kubernetes.io/component", "worker")
        .addToLabels("app.kubernetes.io/instance", cluster)
        .endMetadata().build()).create();
  }

  static void awaitReady(Api api) {
    await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/readyz").status() == 200);
  }

  static boolean known(Api api, String worker) {
    return api.get("/v1/workers").json().getJsonArray("workers").stream()
        .anyMatch(w -> worker.equals(((JsonObject) w).getString("worker")));
  }

  /**
   * A pod informer whose first list fails (here: no API server answering yet; in a cluster, a 403
   * before its RoleBinding exists) is retried, and /readyz says why until it syncs. fabric8's default
   * gives up after the first failure ("will stop"), leaving the handler not ready for good.
   */
  @Test
  void aPodWatchThatCannotStartIsRetriedAndSaysWhy() throws Exception {
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    var early = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
        new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl("http://127.0.0.1:" + port)
            .withNamespace("test").withRequestRetryBackoffLimit(0).build()).build();
    try (DowntimeHandler handler = DowntimeHandler.start(config("late"), early)) {
      Api api = new Api(handler.port());
      await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/readyz").body().contains("retrying"));
      assertEquals(503, api.get("/readyz").status());

      try (KubernetesApiMock late = KubernetesApiMock.startCrud(port)) {
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/readyz").status() == 200);
      }
    } finally {
      early.close();
    }
  }

  @Test
  void deletingAWorkerPodMakesExactlyItsFrontendsResubscribe() {
    try (FakeFrontend a1 = FakeFrontend.answering(204); FakeFrontend a2 = FakeFrontend.answering(204);
         FakeFrontend b1 = FakeFrontend.answering(204)) {
      createWorkerPod("worker-a", "pods");
      createWorkerPod("worker-b", "pods");
      try (DowntimeHandler handler = DowntimeHandler.start(config("pods"), kube)) {
        Api api = new Api(handler.port());
        awaitReady(api);
        api.store("worker-a", a1.url());
        api.store("worker-a", a2.url());
        api.store("worker-a", a2.url() + "/"); // the same frontend written differently: stored once
        api.store("worker-b", b1.url());

        kube.pods().inNamespace("test").withName("worker-a").delete();

        await().atMost(Duration.ofSeconds(10)).until(() -> a1.calls().size() == 1 && a2.calls().size() == 1);
        assertEquals("worker-a", new JsonObject(a1.calls().getFirst().body()).getString("worker"));
        await().atMost(Duration.ofSeconds(5)).until(() -> !known(api, "worker-a"));
        assertTrue(known(api, "worker-b"));
        assertEquals(0, b1.calls().size());
        String metrics = api.get("/metrics").body();
        assertTrue(metrics.contains("count_downtime_worker_deaths_total{source=\"pod-deleted\"} 1.0"), metrics);
        assertTrue(metrics.contains("count_downtime_resubscribes_total{result=\"ok\"} 2.0"), metrics);
      }
    }
  }

  @Test
  void aPodDeletedWhileTheHandlerWasDownIsNoticedAfterItsRestart() {
    try (FakeFrontend a1 = FakeFrontend.answering(204); FakeFrontend b1 = FakeFrontend.answering(204)) {
      createWorkerPod("worker-a", "restart");
      createWorkerPod("worker-b", "restart");
      try (DowntimeHandler first = DowntimeHandler.start(config("restart"), kube)) {
        Api api = new Api(first.port());
        api.store("worker-a", a1.url());
        api.store("worker-b", b1.url());
      }
      kube.pods().inNamespace("test").withName("worker-a").delete();

      try (DowntimeHandler second = DowntimeHandler.start(config("restart"), kube)) {
        await().atMost(Duration.ofSeconds(15)).until(() -> a1.calls().size() == 1);
        Api api = new Api(second.port());
        await().atMost(Duration.ofSeconds(5)).until(() -> !known(api, "worker-a"));
        assertEquals(0, b1.calls().size());

        // And a death after the restart is seen as well: the state came back from Redis.
        kube.pods().inNamespace("test").withName("worker-b").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> b1.calls().size() == 1);
      }
    }
  }
}
