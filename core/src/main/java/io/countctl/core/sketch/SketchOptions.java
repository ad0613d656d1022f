package io.countctl.core.sketch;

import java.util.EnumSet;
import java.util.Set;

/**
 * Sketch sizes of one counter name.
 *
 * @param lgK log2 of the CPC sketch's K for unique counts (standard error ≈ 0.69 / √K once merged)
 * @param topK the largest k a client may ask for; 0 turns top-K off for the counter
 * @param windows the top-K windows kept (each one costs its buckets in Redis)
 */
public record SketchOptions(int lgK, int topK, Set<SketchWindow> windows) {
  public static final int MIN_LG_K = 10;
  public static final int MAX_LG_K = 16;
  public static final int MAX_TOP_K = 1000;
  public static final SketchOptions DEFAULTS = new SketchOptions(13, 32, EnumSet.allOf(SketchWindow.class));

  public SketchOptions {
    if (lgK < MIN_LG_K || lgK > MAX_LG_K) {
      throw new IllegalArgumentException("lgk must be between " + MIN_LG_K + " and " + MAX_LG_K + ", got " + lgK);
    }
    if (topK < 0 || topK > MAX_TOP_K) {
      throw new IllegalArgumentException("topk must be between 0 and " + MAX_TOP_K + ", got " + topK);
    }
    windows = windows.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(windows));
  }

  /**
   * The frequent-items sketch's map size: a power of two of at least 4·topK, so the sketch tracks
   * three times more candidates than it shows (its error bound is 3.5 / mapSize of the weight).
   */
  public int mapSize() {
    return Math.max(16, Integer.highestOneBit(Math.max(1, 4 * topK - 1)) << 1);
  }

  public boolean topEnabled() {
    return topK > 0 && !windows.isEmpty();
  }
}
