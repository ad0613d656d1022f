package io.countctl.downtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.countctl.downtime.support.Api;
import io.countctl.downtime.support.FakeFrontend;
import io.countctl.testkit.RedisTestServer;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** With a secret configured, the resubscribe calls carry it too. */
class SecretForwardingTest {
  @Test
  void resubscribeCallsCarryTheSecret() {
    try (RedisTestServer redis = RedisTestServer.start(); FakeFrontend frontend = FakeFrontend.answering(204);
         DowntimeHandler handler = DowntimeHandler.start(new DowntimeConfig("sec", redis.url(), 0, "default", false,
             Duration.ofMillis(300), Optional.of("s3cret")))) {
      Api api = new Api(handler.port());
      assertEquals(204, api.post("/store", "{\"worker\":\"w\",\"frontend\":\"" + frontend.url() + "\"}",
          "X-Count-Secret", "s3cret").status());
      assertEquals(204, api.post("/heartbeat", "{\"worker\":\"w\"}", "X-Count-Secret", "s3cret").status());
      await().atMost(Duration.ofSeconds(5)).until(() -> frontend.calls().size() == 1);
      assertEquals("s3cret", frontend.calls().getFirst().secret());
    }
  }
}
