package io.countctl.core.store;

import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;
import java.util.HashMap;
import java.util.Map;

/** The {@code p:n:t} field format of other regions' entries in {@code {c}:r:<id>/<counter>}. */
final class RegionEntries {
  private RegionEntries() {}

  static Map<String, RegionEntry> parse(CounterKey key, Map<String, String> fields) {
    if (fields == null || fields.isEmpty()) {
      return Map.of();
    }
    Map<String, RegionEntry> out = new HashMap<>();
    fields.forEach((region, v) -> {
      String[] pnt = v.split(":", 3);
      out.put(region, new RegionEntry(key, region,
          new PnCounter(Long.parseLong(pnt[0]), Long.parseLong(pnt[1])), Long.parseLong(pnt[2])));
    });
    return out;
  }
}
