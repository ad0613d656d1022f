package io.countctl.core.store;

import io.countctl.core.key.CounterKey;
import io.countctl.core.sketch.SketchWindow;
import io.countctl.core.sketch.TopBy;

/**
 * One region's merged sketch of a counter, as the region-merge role ships it to peers.
 *
 * @param by null for the unique-count sketch, else what the top-K ranks
 * @param window and {@code bucket}: which top-K bucket (unused for unique)
 * @param sketch the serialized sketch (the region's partitions merged)
 */
public record RegionSketch(CounterKey key, TopBy by, SketchWindow window, long bucket, byte[] sketch) {
  public boolean unique() {
    return by == null;
  }
}
