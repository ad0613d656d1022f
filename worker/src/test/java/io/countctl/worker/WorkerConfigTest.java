package io.countctl.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.config.ConfigException;
import io.countctl.core.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {
  static final Map<String, String> BASE = Map.of(
      Settings.KAFKA_BOOTSTRAP, "kafka:9092", Settings.REDIS_URL, "redis://redis:6379");

  @Test
  void theOperatorsSettingsAreRead() {
    var env = new java.util.HashMap<>(BASE);
    env.putAll(Map.of(Settings.CLUSTER, "likes", "COUNT_WORKER_ID", "likes-worker-7f9c", "COUNT_PARTITIONS", "12",
        Settings.DOWNTIME_URL, "http://likes-downtime-handler:8080", "COUNT_ROLE", "worker"));
    WorkerConfig c = WorkerConfig.from(Settings.of(env));
    assertEquals("likes", c.cluster());
    assertEquals("likes-worker-7f9c", c.workerId());
    assertEquals(12, c.partitions());
    assertEquals("likes-downtime-handler", c.downtimeUrl().orElseThrow().getHost());
  }

  @Test
  void anUnknownRoleIsRefusedByNameAndRegionMergeIsItsOwnConfig() {
    var env = new java.util.HashMap<>(BASE);
    env.put("COUNT_ROLE", "reducer");
    ConfigException e = assertThrows(ConfigException.class, () -> Role.of(Settings.of(env)));
    assertTrue(e.getMessage().startsWith("COUNT_ROLE=reducer"), e.getMessage());
    env.put("COUNT_ROLE", "region-merge");
    assertEquals(Role.REGION_MERGE, Role.of(Settings.of(env)));
    assertThrows(ConfigException.class, () -> WorkerConfig.from(Settings.of(env)));
  }
}
