package io.countctl.downtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.countctl.downtime.support.Api;
import io.countctl.downtime.support.FakeFrontend;
import io.countctl.testkit.RedisTestServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** With a secret configured, the resubscribe calls carry it too. */
class SecretForwardingTest {
  @Test
  void resubscribeCallsCarryTheSecret() {
    try (RedisTestServer redis = RedisTestServer.start(); FakeFrontend frontend = FakeFrontend.answering(204);
         DowntimeHandler handler = DowntimeHandler.start(Api.config("sec", redis.url(), "default", false, Duration.ofMillis(300)))) {
      Api api = new Api(handler.port());
      api.store("w", frontend.url());
      api.heartbeat("w");
      await().atMost(Duration.ofSeconds(5)).until(() -> frontend.calls().size() == 1);
      assertEquals(Api.SECRET, frontend.calls().getFirst().secret());
    }
  }
}
