package io.countctl.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.api.config.AckMode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
  @Test
  void flagsOverrideTheEnvironmentUnderTheSameName() {
    Settings s = Settings.fromEnvAndArgs(Map.of("COUNT_FLUSH_MS", "5", "PATH", "/bin"),
        new String[] {"--flush-ms=20", "--redis-url", "redis://127.0.0.1:6380"});
    assertEquals(20, s.number(Settings.FLUSH_MS, 1, 1, 100));
    assertEquals(6380, s.redisUrl().getPort());
    assertTrue(s.get("PATH").isEmpty(), "only COUNT_* variables are settings");
  }

  @Test
  void badValuesNameTheSetting() {
    ConfigException url = assertThrows(ConfigException.class,
        () -> Settings.of(Map.of(Settings.REDIS_URL, "localhost:6379")).redisUrl());
    assertTrue(url.getMessage().startsWith("COUNT_REDIS_URL"), url.getMessage());
    ConfigException flush = assertThrows(ConfigException.class,
        () -> Settings.of(Map.of(Settings.FLUSH_MS, "soon")).number(Settings.FLUSH_MS, 5, 1, 100));
    assertTrue(flush.getMessage().contains("COUNT_FLUSH_MS"), flush.getMessage());
    assertThrows(ConfigException.class, () -> Settings.of(Map.of(Settings.ACK_MODE, "maybe")).choice(Settings.ACK_MODE, AckMode.DURABLE));
    assertEquals(AckMode.BUFFERED, Settings.of(Map.of(Settings.ACK_MODE, "Buffered")).choice(Settings.ACK_MODE, AckMode.DURABLE));
    assertThrows(ConfigException.class, () -> Settings.of(Map.of(Settings.CLUSTER, "Not_DNS")).cluster());
  }
}
