package io.countctl.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.api.config.Component;
import io.countctl.api.config.Setting;
import io.countctl.api.config.SettingUse;
import io.countctl.core.config.Settings;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The defaults docs/configuration.md states for the edge (from the api's list) are EdgeConfig's. */
class EdgeConfigDefaultsTest {
  @Test
  void settingEveryDocumentedDefaultChangesNothing() {
    Map<String, String> required = Map.of(Settings.KAFKA_BOOTSTRAP, "localhost:9092",
        Settings.REDIS_URL, "redis://localhost:6379");
    Map<String, String> explicit = new HashMap<>(required);
    for (Setting s : Setting.allReadBy(Component.EDGE)) {
      SettingUse use = s.useBy(Component.EDGE).orElseThrow();
      if (use.literalDefault() && !use.defaultValue().isEmpty()) {
        explicit.put(s.key(), use.defaultValue());
      }
    }
    assertTrue(explicit.size() > 25, explicit.keySet().toString());
    assertEquals(EdgeConfig.from(Settings.of(required)), EdgeConfig.from(Settings.of(explicit)));
  }
}
