package io.countctl.worker;

import io.countctl.core.config.ConfigException;
import io.countctl.core.config.Settings;
import java.util.Arrays;
import java.util.Locale;

/** What {@code worker.jar} runs, from {@code COUNT_ROLE}. */
public enum Role {
  /** The reducer and the live fan-out. */
  WORKER("worker"),
  /** Exchange of per-region state with peer regions ({@code worker.merge}). */
  REGION_MERGE("region-merge");

  public static final String SETTING = io.countctl.api.config.Setting.ROLE.key();

  private final String label;

  Role(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public static Role of(Settings s) {
    String v = s.string(SETTING, WORKER.label).toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(r -> r.label.equals(v)).findFirst()
        .orElseThrow(() -> new ConfigException(SETTING + "=" + v + " is not a role: expected worker or region-merge"));
  }
}
