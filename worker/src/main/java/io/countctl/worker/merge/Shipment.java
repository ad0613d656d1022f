package io.countctl.worker.merge;

import io.countctl.core.store.RegionEntry;
import java.util.List;
import java.util.Map;

/**
 * What one region sends a peer: entries of changed counters under the regions that own them (its
 * own and those it relays), and when it last heard from each region it knows.
 */
public record Shipment(String from, Map<String, Long> heard, List<RegionEntry> entries) {
  public Shipment {
    heard = Map.copyOf(heard);
    entries = List.copyOf(entries);
  }
}
