package io.countctl.core.sketch;

import io.countctl.core.config.ConfigException;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The sketch options of every counter name, from {@code COUNT_COUNTER_OPTIONS}: comma-separated
 * entries {@code name[:lgk=L][:topk=K][:windows=1h+all]}; names not listed get the defaults (no
 * set-up is needed to count uniques or rank items).
 */
public record SketchSettings(Map<String, SketchOptions> perCounter) {
  public static final String SETTING = io.countctl.api.config.Setting.COUNTER_OPTIONS.key();
  public static final SketchSettings DEFAULTS = new SketchSettings(Map.of());

  public SketchSettings {
    perCounter = Map.copyOf(perCounter);
  }

  public SketchOptions of(String counterName) {
    return perCounter.getOrDefault(counterName, SketchOptions.DEFAULTS);
  }

  /** Parses the setting's value (null or blank: defaults everywhere); a bad value is a {@link ConfigException}. */
  public static SketchSettings parse(String text) {
    if (text == null || text.isBlank()) {
      return DEFAULTS;
    }
    Map<String, SketchOptions> out = new HashMap<>();
    for (String entry : text.split(",")) {
      String[] parts = entry.trim().split(":");
      String name = parts[0];
      if (name.isEmpty()) {
        throw new ConfigException(SETTING + ": empty counter name in '" + text + "'");
      }
      SketchOptions d = SketchOptions.DEFAULTS;
      int lgK = d.lgK();
      int topK = d.topK();
      java.util.Set<SketchWindow> windows = d.windows();
      for (int i = 1; i < parts.length; i++) {
        String p = parts[i];
        int eq = p.indexOf('=');
        String k = eq < 0 ? p : p.substring(0, eq);
        String v = eq < 0 ? "" : p.substring(eq + 1);
        switch (k) {
          case "lgk" -> lgK = number(name, k, v);
          case "topk" -> topK = number(name, k, v);
          case "windows" -> windows = windows(name, v);
          // Written by operators before unique counts needed no set-up; it did nothing then and
          // does nothing now, and refusing it would stop components started from an old ConfigMap.
          case "unique" -> org.slf4j.LoggerFactory.getLogger(SketchSettings.class).warn(
              "{}: '{}:unique' is no longer an option and is ignored (every counter counts uniques when writes carry a user)",
              SETTING, name);
          default -> throw new ConfigException(SETTING + ": unknown option '" + p + "' for " + name
              + " (lgk=L, topk=K, windows=1m+10m+1h+24h+all)");
        }
      }
      try {
        if (out.put(name, new SketchOptions(lgK, topK, windows)) != null) {
          throw new ConfigException(SETTING + ": " + name + " is listed twice");
        }
      } catch (IllegalArgumentException e) {
        if (e instanceof ConfigException) {
          throw e;
        }
        throw new ConfigException(SETTING + ": " + name + ": " + e.getMessage());
      }
    }
    return new SketchSettings(out);
  }

  private static int number(String name, String key, String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new ConfigException(SETTING + ": " + name + ": " + key + " needs a whole number, got '" + v + "'");
    }
  }

  private static java.util.Set<SketchWindow> windows(String name, String v) {
    EnumSet<SketchWindow> set = EnumSet.noneOf(SketchWindow.class);
    for (String w : v.split("\\+")) {
      set.add(SketchWindow.parse(w).orElseThrow(() -> new ConfigException(
          SETTING + ": " + name + ": unknown window '" + w + "' (1m, 10m, 1h, 24h, all)")));
    }
    return set;
  }
}
