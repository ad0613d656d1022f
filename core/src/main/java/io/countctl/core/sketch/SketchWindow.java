package io.countctl.core.sketch;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A time window of top-K. Each window but {@link #ALL} slides over fixed buckets of its own width,
 * so a window of W covers the last W plus the part of the current bucket elapsed (at most one
 * bucket more), and reading it merges a dozen or two buckets whatever W is. Buckets expire from
 * Redis by themselves once no window can include them.
 */
public enum SketchWindow {
  M1("1m", 10_000, 60_000),
  M10("10m", 60_000, 600_000),
  H1("1h", 300_000, 3_600_000),
  H24("24h", 3_600_000, 86_400_000),
  ALL("all", 0, 0);

  private final String label;
  private final long bucketMillis;
  private final long spanMillis;

  SketchWindow(String label, long bucketMillis, long spanMillis) {
    this.label = label;
    this.bucketMillis = bucketMillis;
    this.spanMillis = spanMillis;
  }

  public String label() {
    return label;
  }

  public long bucketMillis() {
    return bucketMillis;
  }

  public long spanMillis() {
    return spanMillis;
  }

  public static Optional<SketchWindow> parse(String label) {
    for (SketchWindow w : values()) {
      if (w.label.equals(label)) {
        return Optional.of(w);
      }
    }
    return Optional.empty();
  }

  /** Start of the bucket that holds time {@code millis} (0 for {@link #ALL}: one bucket forever). */
  public long bucketOf(long millis) {
    return this == ALL ? 0 : Math.floorDiv(millis, bucketMillis) * bucketMillis;
  }

  /** Starts of the buckets a read at {@code nowMillis} merges, oldest first. */
  public List<Long> bucketsAt(long nowMillis) {
    if (this == ALL) {
      return List.of(0L);
    }
    List<Long> out = new ArrayList<>();
    long current = bucketOf(nowMillis);
    for (long b = current - spanMillis; b <= current; b += bucketMillis) {
      out.add(b);
    }
    return out;
  }

  /** When a bucket can go: after the last read whose window still includes it (0: never). */
  public long expiresAtMillis(long bucketStart) {
    return this == ALL ? 0 : bucketStart + 2 * bucketMillis + spanMillis;
  }
}
