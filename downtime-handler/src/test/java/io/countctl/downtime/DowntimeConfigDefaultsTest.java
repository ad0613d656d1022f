package io.countctl.downtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.api.config.Component;
import io.countctl.api.config.Setting;
import io.countctl.api.config.SettingUse;
import io.countctl.core.config.Settings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The defaults docs/configuration.md states for the downtime handler (from the api's list) are DowntimeConfig's. */
class DowntimeConfigDefaultsTest {
  @Test
  void settingEveryDocumentedDefaultChangesNothing() {
    Map<String, String> required = Map.of(Settings.REDIS_URL, "redis://r:6379", DowntimeConfig.INTERNAL_SECRET, "shh");
    Map<String, String> explicit = new HashMap<>(required);
    for (Setting s : Setting.allReadBy(Component.DOWNTIME_HANDLER)) {
      SettingUse use = s.useBy(Component.DOWNTIME_HANDLER).orElseThrow();
      if (use.literalDefault() && !use.defaultValue().isEmpty()) {
        explicit.put(s.key(), use.defaultValue());
      }
    }
    assertTrue(explicit.size() > 5, explicit.keySet().toString());
    Path noNamespace = Path.of("absent");
    // The allow list has no equals; its text (what toString shows) is the setting's value.
    assertEquals(DowntimeConfig.from(Settings.of(required), Map.of(), noNamespace).toString(),
        DowntimeConfig.from(Settings.of(explicit), Map.of(), noNamespace).toString());
  }
}
