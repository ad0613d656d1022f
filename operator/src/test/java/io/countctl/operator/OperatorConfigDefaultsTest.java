package io.countctl.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.api.config.Component;
import io.countctl.api.config.Setting;
import io.countctl.api.config.SettingUse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The defaults docs/configuration.md states for the operator (from the api's list) are OperatorConfig's. */
class OperatorConfigDefaultsTest {
  @Test
  void settingEveryDocumentedDefaultChangesNothing() {
    Map<String, String> base = Map.of("HOSTNAME", "op-0");
    Map<String, String> explicit = new HashMap<>(base);
    for (Setting s : Setting.allReadBy(Component.OPERATOR)) {
      SettingUse use = s.useBy(Component.OPERATOR).orElseThrow();
      if (use.literalDefault() && !use.defaultValue().isEmpty()) {
        explicit.put(s.key(), use.defaultValue());
      }
    }
    assertTrue(explicit.size() > 5, explicit.keySet().toString());
    assertEquals(OperatorConfig.from(base), OperatorConfig.from(explicit));
  }
}
