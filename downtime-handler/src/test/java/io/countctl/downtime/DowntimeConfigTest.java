package io.countctl.downtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.config.ConfigException;
import io.countctl.core.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DowntimeConfigTest {
  @Test
  void defaultsAndKubernetesDetection(@TempDir Path dir) throws Exception {
    Path ns = Files.writeString(dir.resolve("namespace"), "prod\n");
    Settings s = Settings.of(Map.of("COUNT_REDIS_URL", "redis://r:6379", "COUNT_CLUSTER", "likes",
        "COUNT_INTERNAL_SECRET", "shh"));
    DowntimeConfig outside = DowntimeConfig.from(s, Map.of(), dir.resolve("absent"));
    assertEquals("likes", outside.cluster());
    assertEquals(8080, outside.httpPort());
    assertEquals("default", outside.namespace());
    assertFalse(outside.podWatch());
    assertEquals(10_000, outside.heartbeatTimeout().toMillis());
    assertEquals("shh", outside.internalSecret());
    assertEquals("0.0.0.0", outside.httpHost(), "a pod is reached through its Service: every interface");
    assertEquals(io.countctl.downtime.http.FrontendAllowList.DEFAULT, outside.frontendAllowList().toString());

    DowntimeConfig inside = DowntimeConfig.from(s, Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"), ns);
    assertTrue(inside.podWatch());
    assertEquals("prod", inside.namespace());
  }

  @Test
  void theSecretIsRequired() {
    var e = assertThrows(ConfigException.class, () -> DowntimeConfig.from(
        Settings.of(Map.of("COUNT_REDIS_URL", "redis://r:6379")), Map.of(), Path.of("x")));
    assertTrue(e.getMessage().contains("COUNT_INTERNAL_SECRET"), e.getMessage());
  }

  @Test
  void bindHostAndAllowListAreSettings() {
    DowntimeConfig c = DowntimeConfig.from(Settings.of(Map.of("COUNT_REDIS_URL", "redis://r:6379",
        "COUNT_INTERNAL_SECRET", "shh", "COUNT_HTTP_HOST", "127.0.0.1", "COUNT_FRONTEND_ALLOW", "10.42.0.0/16")),
        Map.of(), Path.of("x"));
    assertEquals("127.0.0.1", c.httpHost());
    assertTrue(c.frontendAllowList().allows(java.net.URI.create("http://10.42.0.7:8080")));
    assertFalse(c.frontendAllowList().allows(java.net.URI.create("http://10.43.0.7:8080")));
  }

  @Test
  void badValuesNameTheSetting() {
    assertThrows(ConfigException.class, () -> DowntimeConfig.from(Settings.of(Map.of()), Map.of(), Path.of("x")));
    var e = assertThrows(ConfigException.class, () -> DowntimeConfig.from(
        Settings.of(Map.of("COUNT_REDIS_URL", "redis://r:6379", "COUNT_POD_WATCH", "maybe", "COUNT_INTERNAL_SECRET", "s")), Map.of(), Path.of("x")));
    assertTrue(e.getMessage().contains("COUNT_POD_WATCH"));
    e = assertThrows(ConfigException.class, () -> DowntimeConfig.from(
        Settings.of(Map.of("COUNT_REDIS_URL", "http://r")), Map.of(), Path.of("x")));
    assertTrue(e.getMessage().contains("COUNT_REDIS_URL"));
  }
}
