package io.countctl.core.store;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * When each edge's high-water mark on a partition last moved, kept beside the marks in
 * {@code {c}:hwm-seen:<partition>} (edge id → ms), so marks of edges gone for longer than the
 * log's retention can be dropped instead of reloaded on every assignment forever.
 *
 * <p>Advisory, written outside the apply script: a stamp may lag by the worker's stamping
 * interval, which pruning's margin (days) absorbs. Only the partition's owner writes either hash.
 */
public final class MarkAges {
  private final CounterStore store;

  public MarkAges(CounterStore store) {
    this.store = store;
  }

  public String key(int partition) {
    return "{" + store.keys().cluster() + "}:hwm-seen:" + partition;
  }

  /** Edge id → when its mark on {@code partition} last moved (ms); edges never stamped are absent. */
  public Map<String, Long> seen(int partition) {
    Map<String, Long> out = new HashMap<>();
    store.call(j -> j.hgetAll(key(partition))).forEach((edge, ms) -> {
      try {
        out.put(edge, Long.parseLong(ms));
      } catch (NumberFormatException e) {
        // unreadable: treated as never stamped, so stamped again rather than pruned
      }
    });
    return out;
  }

  public void stamp(int partition, Map<String, Long> seenMs) {
    if (seenMs.isEmpty()) {
      return;
    }
    Map<String, String> fields = new HashMap<>();
    seenMs.forEach((edge, ms) -> fields.put(edge, Long.toString(ms)));
    store.call(j -> j.hset(key(partition), fields));
  }

  /** Drops the marks of {@code edges} on {@code partition}, with their stamps, in one transaction. */
  public void forget(int partition, Collection<String> edges) {
    if (edges.isEmpty()) {
      return;
    }
    String[] fields = edges.toArray(String[]::new);
    store.call(j -> {
      try (var tx = j.multi()) {
        tx.hdel(store.keys().highWaterMarks(partition), fields);
        tx.hdel(key(partition), fields);
        return tx.exec();
      }
    });
  }
}
