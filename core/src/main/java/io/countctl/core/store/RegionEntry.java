package io.countctl.core.store;

import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;
import java.util.regex.Pattern;

/**
 * One region's {@code (P, N)} of one counter, as the region that owns it last reported it. Both
 * parts only grow in their own region, so the newest observation is the per-part maximum.
 */
public record RegionEntry(CounterKey key, String region, PnCounter state, long updatedAtMillis) {
  /** Region names: what Kubernetes allows in a label value, as {@code spec.region} does. */
  public static final Pattern REGION_NAME = Pattern.compile("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");

  public RegionEntry {
    if (!validRegion(region)) {
      throw new IllegalArgumentException("invalid region name '" + region + "'");
    }
    if (updatedAtMillis < 0) {
      throw new IllegalArgumentException("updated-at must not be negative");
    }
  }

  public static boolean validRegion(String region) {
    return region != null && REGION_NAME.matcher(region).matches();
  }
}
