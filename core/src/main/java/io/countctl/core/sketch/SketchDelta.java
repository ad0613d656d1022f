package io.countctl.core.sketch;

import io.countctl.core.key.CounterKey;

/**
 * What one flush adds to one counter's sketches, serialized: distinct users (CPC), and the
 * weights of its users and of its items (frequent items). Each part is null when the flush
 * carried none of it.
 */
public record SketchDelta(CounterKey key, byte[] unique, byte[] topUsers, byte[] topItems) {
  /** The serialized top-K part ranking {@code by}. */
  public byte[] top(TopBy by) {
    return by == TopBy.USER ? topUsers : topItems;
  }

  /** Serialized bytes carried (what it costs in a batch). */
  public int bytes() {
    return len(unique) + len(topUsers) + len(topItems);
  }

  private static int len(byte[] b) {
    return b == null ? 0 : b.length;
  }
}
