package io.countctl.core.sketch;

import io.countctl.core.key.CounterKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pre-aggregates the {@code user}s and {@code item}s of many writes into one {@link SketchDelta}
 * per counter (what an edge flushes, what a worker folds from many batches). Not thread-safe: one
 * owner at a time.
 */
public final class SketchAccumulator {
  private final SketchSettings settings;
  private final Map<CounterKey, Parts> parts = new HashMap<>();

  public SketchAccumulator(SketchSettings settings) {
    this.settings = settings;
  }

  /** One increment of {@code weight} carrying a user and/or an item (either may be null). */
  public void add(CounterKey key, String user, String item, long weight) {
    if (user == null && item == null) {
      return;
    }
    SketchOptions o = settings.of(key.counter());
    Parts p = parts.computeIfAbsent(key, k -> new Parts());
    if (user != null) {
      p.unique(o).add(user);
      if (o.topEnabled()) {
        p.topUsers(o).add(user, weight);
      }
    }
    if (item != null && o.topEnabled()) {
      p.topItems(o).add(item, weight);
    }
  }

  /** Folds a serialized delta in (unions users, adds weights). */
  public void add(SketchDelta d) {
    SketchOptions o = settings.of(d.key().counter());
    Parts p = parts.computeIfAbsent(d.key(), k -> new Parts());
    if (d.unique() != null) {
      p.unique(o).merge(UniqueSketch.fromBytes(d.unique()));
    }
    if (d.topUsers() != null) {
      p.topUsers(o).merge(TopItems.fromBytes(d.topUsers()));
    }
    if (d.topItems() != null) {
      p.topItems(o).merge(TopItems.fromBytes(d.topItems()));
    }
  }

  public boolean isEmpty() {
    return parts.isEmpty();
  }

  /** The deltas gathered so far, one per counter; the accumulator is empty afterwards. */
  public List<SketchDelta> drain() {
    List<SketchDelta> out = new ArrayList<>(parts.size());
    parts.forEach((key, p) -> out.add(new SketchDelta(key,
        p.unique == null ? null : p.unique.toBytes(),
        p.topUsers == null ? null : p.topUsers.toBytes(),
        p.topItems == null ? null : p.topItems.toBytes())));
    parts.clear();
    return out;
  }

  private static final class Parts {
    UniqueSketch unique;
    TopItems topUsers;
    TopItems topItems;

    UniqueSketch unique(SketchOptions o) {
      return unique == null ? unique = UniqueSketch.empty(o.lgK()) : unique;
    }

    TopItems topUsers(SketchOptions o) {
      return topUsers == null ? topUsers = TopItems.empty(o.mapSize()) : topUsers;
    }

    TopItems topItems(SketchOptions o) {
      return topItems == null ? topItems = TopItems.empty(o.mapSize()) : topItems;
    }
  }
}
