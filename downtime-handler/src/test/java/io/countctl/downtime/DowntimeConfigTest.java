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
    Settings s = Settings.of(Map.of("COUNT_REDIS_URL", "redis://r:6379", "COUNT_CLUSTER", "likes"));
    DowntimeConfig outside = DowntimeConfig.from(s, Map.of(), dir.resolve("absent"));
    assertEquals("likes", outside.cluster());
    assertEquals(8080, outside.httpPort());
    assertEquals("default", outside.namespace());
    assertFalse(outside.podWatch());
    assertEquals(10_000, outside.heartbeatTimeout().toMillis());
    assertTrue(outside.internalSecret().isEmpty());

    DowntimeConfig inside = DowntimeConfig.from(s, Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"), ns);
    assertTrue(inside.podWatch());
    assertEquals("prod", inside.namespace());
  }

  @Test
  void badValuesNameTheSetting() {
    assertThrows(ConfigException.class, () -> DowntimeConfig.from(Settings.of(Map.of()), Map.of(), Path.of("x")));
    var e = assertThrows(ConfigException.class, () -> DowntimeConfig.from(
        Settings.of(Map.of("COUNT_REDIS_URL", "redis://r:6379", "COUNT_POD_WATCH", "maybe")), Map.of(), Path.of("x")));
    assertTrue(e.getMessage().contains("COUNT_POD_WATCH"));
    e = assertThrows(ConfigException.class, () -> DowntimeConfig.from(
        Settings.of(Map.of("COUNT_REDIS_URL", "http://r")), Map.of(), Path.of("x")));
    assertTrue(e.getMessage().contains("COUNT_REDIS_URL"));
  }
}
