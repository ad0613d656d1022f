package io.countctl.downtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.downtime.support.Api;
import io.countctl.downtime.support.FakeFrontend;
import io.countctl.testkit.RedisTestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Worker death seen through missed heartbeats (outside Kubernetes). */
class HeartbeatTest {
  static RedisTestServer redis;

  @BeforeAll
  static void redis() {
    redis = RedisTestServer.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  static DowntimeConfig config(String cluster) {
    return Api.config(cluster, redis.url(), "default", false, Duration.ofMillis(500));
  }

  @Test
  void aSilentWorkerIsDeadAndABeatingOneIsNot() {
    try (FakeFrontend silent = FakeFrontend.answering(204); FakeFrontend beating = FakeFrontend.answering(204);
         FakeFrontend gone = FakeFrontend.answering(500);
         DowntimeHandler handler = DowntimeHandler.start(config("beats"))) {
      Api api = new Api(handler.port());
      api.heartbeat("w-silent");
      api.heartbeat("w-beating");
      api.store("w-silent", silent.url());
      api.store("w-silent", gone.url());
      api.store("w-beating", beating.url());

      // w-beating beats every 100 ms while w-silent says nothing, until the handler has found
      // w-silent dead, tried the frontend answering 500 all 4 times and dropped it with the dead
      // worker: several heartbeat timeouts during which w-beating must not be declared dead.
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
        api.heartbeat("w-beating");
        return gone.calls().size() == 4 && !api.get("/v1/workers").body().contains("w-silent");
      });
      assertEquals(1, silent.calls().size());
      assertTrue(silent.calls().getFirst().body().contains("w-silent"));
      assertEquals(0, beating.calls().size());
      assertTrue(api.get("/v1/workers").body().contains("w-beating"));
      String metrics = api.get("/metrics").body();
      assertTrue(metrics.contains("count_downtime_frontends_dropped_total 1.0"), metrics);
      assertTrue(metrics.contains("count_downtime_worker_deaths_total{source=\"heartbeat\"} 1.0"), metrics);
    }
  }

  @Test
  void theRegistrySurvivesARestartOfTheHandler() {
    try (FakeFrontend frontend = FakeFrontend.answering(204)) {
      try (DowntimeHandler first = DowntimeHandler.start(config("again"))) {
        Api api = new Api(first.port());
        api.store("w-1", frontend.url());
        api.heartbeat("w-1");
      }
      try (DowntimeHandler second = DowntimeHandler.start(config("again"))) {
        Api api = new Api(second.port());
        assertTrue(api.get("/v1/workers").body().contains(frontend.url()));
        // w-1 sends no more heartbeats: the new handler, knowing it only from Redis, notices.
        await().atMost(Duration.ofSeconds(5)).until(() -> frontend.calls().size() == 1);
      }
    }
  }
}
