package io.countctl.worker.fanout;

import io.countctl.core.key.CounterKey;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which frontends watch which counters, for the subscription partitions this worker owns. Rebuilt
 * from the compacted {@code <cluster>.subscriptions} topic whenever a partition is assigned.
 * Used by the fan-out thread only.
 */
final class SubscriptionTable {
  private final Map<Integer, Map<CounterKey, Set<String>>> byPartition = new HashMap<>();

  /** @return whether the frontend was not subscribed to the counter yet */
  boolean subscribe(int partition, CounterKey key, String frontend) {
    return byPartition.computeIfAbsent(partition, p -> new HashMap<>()).computeIfAbsent(key, k -> new HashSet<>()).add(frontend);
  }

  void unsubscribe(int partition, CounterKey key, String frontend) {
    Map<CounterKey, Set<String>> table = byPartition.get(partition);
    if (table != null) {
      Set<String> set = table.get(key);
      if (set != null && set.remove(frontend) && set.isEmpty()) {
        table.remove(key);
      }
    }
  }

  Set<String> frontends(int partition, CounterKey key) {
    Map<CounterKey, Set<String>> table = byPartition.get(partition);
    Set<String> set = table == null ? null : table.get(key);
    return set == null ? Set.of() : set;
  }

  /** Forgets a frontend everywhere (its webhook keeps failing: it is gone). */
  void dropFrontend(String frontend) {
    byPartition.values().forEach(table -> table.values().removeIf(set -> set.remove(frontend) && set.isEmpty()));
  }

  void dropPartition(int partition) {
    byPartition.remove(partition);
  }

  int size() {
    return byPartition.values().stream().mapToInt(Map::size).sum();
  }
}
