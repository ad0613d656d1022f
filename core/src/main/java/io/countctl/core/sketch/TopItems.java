package io.countctl.core.sketch;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.FrequentItemsSketch;

/**
 * The most frequent values of a counter's writes (its top users or top items) with their weights:
 * a DataSketches frequent-items sketch. Every estimate comes with bounds that hold the true weight.
 * Unlike a unique count, merging the same sketch twice counts it twice: the pipeline makes sure
 * every write's weight is merged exactly once (see docs/architecture.md).
 */
public final class TopItems {
  private static final ArrayOfStringsSerDe SERDE = new ArrayOfStringsSerDe();

  private final FrequentItemsSketch<String> sketch;

  private TopItems(FrequentItemsSketch<String> sketch) {
    this.sketch = sketch;
  }

  /** @param mapSize a power of two ({@link SketchOptions#mapSize()}) */
  public static TopItems empty(int mapSize) {
    return new TopItems(new FrequentItemsSketch<>(mapSize));
  }

  /** @throws IllegalArgumentException if the bytes are not a frequent-items sketch of strings */
  public static TopItems fromBytes(byte[] bytes) {
    try {
      return new TopItems(FrequentItemsSketch.getInstance(MemorySegment.ofArray(bytes), SERDE));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a frequent-items sketch: " + e.getMessage(), e);
    }
  }

  public void add(String value, long weight) {
    sketch.update(value, weight);
  }

  /** Adds {@code other}'s weights to this one's. */
  public void merge(TopItems other) {
    sketch.merge(other.sketch);
  }

  /** The sum of many serialized sketches (null entries skipped). */
  public static TopItems sum(int mapSize, Iterable<byte[]> serialized) {
    TopItems out = empty(mapSize);
    for (byte[] b : serialized) {
      if (b != null) {
        out.merge(fromBytes(b));
      }
    }
    return out;
  }

  public boolean isEmpty() {
    return sketch.isEmpty();
  }

  /** Total weight seen. */
  public long weight() {
    return sketch.getStreamLength();
  }

  public byte[] toBytes() {
    return sketch.toByteArray(SERDE);
  }

  /**
   * The {@code k} values of largest estimated weight, heaviest first (ties by value). Bounds hold
   * the true weight; with no false negatives, every value heavier than the sketch's error is a
   * candidate.
   */
  public List<TopEntry> top(int k) {
    if (sketch.isEmpty()) {
      return List.of();
    }
    var rows = sketch.getFrequentItems(0, ErrorType.NO_FALSE_NEGATIVES);
    List<TopEntry> all = new ArrayList<>(rows.length);
    for (var r : rows) {
      all.add(new TopEntry(r.getItem(), r.getEstimate(), Math.max(0, r.getLowerBound()), r.getUpperBound()));
    }
    all.sort(Comparator.comparingLong(TopEntry::estimate).reversed().thenComparing(TopEntry::value));
    return List.copyOf(all.subList(0, Math.min(k, all.size())));
  }

  @Override
  public String toString() {
    return "TopItems" + Arrays.toString(top(5).toArray());
  }
}
