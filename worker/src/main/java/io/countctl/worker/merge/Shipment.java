package io.countctl.worker.merge;

import io.countctl.core.store.RegionEntry;
import io.countctl.core.store.RegionSketch;
import java.util.List;
import java.util.Map;

/**
 * What one region sends a peer: entries of changed counters under the regions that own them (its
 * own and those it relays), when it last heard from each region it knows, and its own sketches
 * of the changed counters (sketches are not relayed: they reach direct peers).
 */
public record Shipment(String from, Map<String, Long> heard, List<RegionEntry> entries, List<RegionSketch> sketches) {
  public Shipment {
    heard = Map.copyOf(heard);
    entries = List.copyOf(entries);
    sketches = List.copyOf(sketches);
  }

  public Shipment(String from, Map<String, Long> heard, List<RegionEntry> entries) {
    this(from, heard, entries, List.of());
  }
}
