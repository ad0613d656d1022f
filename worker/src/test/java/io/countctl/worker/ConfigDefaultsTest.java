package io.countctl.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.api.config.Component;
import io.countctl.api.config.Setting;
import io.countctl.api.config.SettingUse;
import io.countctl.core.config.Settings;
import io.countctl.worker.merge.RegionMergeConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The defaults docs/configuration.md states for the worker and the region merge (from the api's
 * list) are WorkerConfig's and RegionMergeConfig's.
 */
class ConfigDefaultsTest {
  static final Map<String, String> REQUIRED = Map.of(Settings.KAFKA_BOOTSTRAP, "localhost:9092",
      Settings.REDIS_URL, "redis://localhost:6379");

  @Test
  void workerDefaults() {
    Map<String, String> explicit = withDocumentedDefaults(Component.WORKER);
    assertTrue(explicit.size() > 8, explicit.keySet().toString());
    assertEquals(WorkerConfig.from(Settings.of(REQUIRED)), WorkerConfig.from(Settings.of(explicit)));
  }

  @Test
  void regionMergeDefaults() {
    Map<String, String> required = Map.of(Settings.REDIS_URL, "redis://localhost:6379");
    Map<String, String> explicit = withDocumentedDefaults(Component.REGION_MERGE);
    explicit.remove(Settings.KAFKA_BOOTSTRAP);
    explicit.putAll(required);
    assertTrue(explicit.size() > 8, explicit.keySet().toString());
    assertEquals(RegionMergeConfig.from(Settings.of(required)), RegionMergeConfig.from(Settings.of(explicit)));
  }

  private static Map<String, String> withDocumentedDefaults(Component component) {
    Map<String, String> explicit = new HashMap<>(REQUIRED);
    for (Setting s : Setting.allReadBy(component)) {
      SettingUse use = s.useBy(component).orElseThrow();
      if (use.literalDefault() && !use.defaultValue().isEmpty()) {
        explicit.put(s.key(), use.defaultValue());
      }
    }
    return explicit;
  }
}
