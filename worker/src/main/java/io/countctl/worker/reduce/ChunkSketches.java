package io.countctl.worker.reduce;

import io.countctl.core.batch.DeltaBatch;
import io.countctl.core.batch.KeyedDelta;
import io.countctl.core.key.CounterKey;
import io.countctl.core.sketch.SketchDelta;
import io.countctl.core.sketch.SketchOptions;
import io.countctl.core.sketch.SketchSettings;
import io.countctl.core.sketch.SketchWindow;
import io.countctl.core.sketch.TopBy;
import io.countctl.core.sketch.TopItems;
import io.countctl.core.sketch.UniqueSketch;
import io.countctl.core.store.KeyedCheck;
import io.countctl.core.store.PartitionCommit;
import io.countctl.core.store.RedisKeys;
import io.countctl.core.store.SketchStore;
import io.countctl.core.store.SketchWrite;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sketches of one chunk of a partition's batches, and their fold into the partition's stored
 * sketches. Exactly once comes from where the result goes: each partition's sketches are a field
 * of their own that only the partition's owner writes, in the same script that moves the
 * partition's offset, so a replay after a crash starts again from the sketch that matches the
 * stored offset, and a batch seen twice is dropped with its counts by the high-water marks.
 * Keyed writes are the one case decided in Redis (is the token new?): the fold assumes what the
 * store said and the script refuses the commit if that changed ({@link KeyedCheck}).
 */
final class ChunkSketches {
  private static final Logger log = LoggerFactory.getLogger(ChunkSketches.class);

  /** A top-K bucket of a counter: what a {@link RedisKeys#top} hash holds. */
  record Slot(CounterKey key, TopBy by, SketchWindow window, long bucket) {}

  /** One batch's sketches, parsed (so a malformed one is found before anything is merged). */
  record Parsed(DeltaBatch batch, List<ParsedDelta> deltas) {}

  record ParsedDelta(CounterKey key, UniqueSketch unique, TopItems topUsers, TopItems topItems) {}

  private record Keyed(KeyedDelta write, long createdAtMillis) {}

  private final SketchSettings settings;
  private final Map<CounterKey, UniqueSketch> unique = new LinkedHashMap<>();
  private final Map<Slot, TopItems> top = new LinkedHashMap<>();
  private final List<Keyed> keyed = new ArrayList<>();
  private boolean any;

  ChunkSketches(SketchSettings settings) {
    this.settings = settings;
  }

  /** @throws IllegalArgumentException if a sketch in the batch is not a DataSketches sketch */
  Parsed parse(DeltaBatch batch) {
    List<ParsedDelta> out = new ArrayList<>(batch.sketches().size());
    for (SketchDelta d : batch.sketches()) {
      out.add(new ParsedDelta(d.key(),
          d.unique() == null ? null : UniqueSketch.fromBytes(d.unique()),
          d.topUsers() == null ? null : TopItems.fromBytes(d.topUsers()),
          d.topItems() == null ? null : TopItems.fromBytes(d.topItems())));
    }
    return new Parsed(batch, out);
  }

  /** Adds a batch that is part of the chunk (its keyed writes in the order the commit lists them). */
  void add(Parsed p) {
    long at = p.batch().createdAtMillis();
    for (ParsedDelta d : p.deltas()) {
      SketchOptions o = settings.of(d.key().counter());
      if (d.unique() != null) {
        uniqueOf(d.key(), o).merge(d.unique());
        any = true;
      }
      addTop(d.key(), TopBy.USER, d.topUsers(), o, at);
      addTop(d.key(), TopBy.ITEM, d.topItems(), o, at);
    }
    for (KeyedDelta k : p.batch().keyed()) {
      keyed.add(new Keyed(k, at));
      any |= k.sketched();
    }
  }

  private void addTop(CounterKey key, TopBy by, TopItems items, SketchOptions o, long at) {
    if (items == null || !o.topEnabled()) {
      return;
    }
    for (SketchWindow w : o.windows()) {
      top.computeIfAbsent(new Slot(key, by, w, w.bucketOf(at)), s -> TopItems.empty(o.mapSize())).merge(items);
    }
    any = true;
  }

  private UniqueSketch uniqueOf(CounterKey key, SketchOptions o) {
    return unique.computeIfAbsent(key, k -> UniqueSketch.empty(o.lgK()));
  }

  /** Whether the chunk feeds any sketch (else the commit goes as it is). */
  boolean isEmpty() {
    return !any;
  }

  /** The hash keys the fold writes, and so must read first. */
  Set<String> keysToRead(RedisKeys keys) {
    Set<String> out = new LinkedHashSet<>();
    unique.keySet().forEach(k -> out.add(keys.unique(k)));
    top.keySet().forEach(s -> out.add(keys.top(s.by(), s.window(), s.bucket(), s.key())));
    for (Keyed k : keyed) {
      KeyedDelta w = k.write();
      if (!w.sketched() || w.change().p() == 0) {
        continue;
      }
      SketchOptions o = settings.of(w.key().counter());
      if (w.user() != null) {
        out.add(keys.unique(w.key()));
      }
      for (Slot s : keyedSlots(w, k.createdAtMillis(), o)) {
        out.add(keys.top(s.by(), s.window(), s.bucket(), s.key()));
      }
    }
    return out;
  }

  /** Keys (counter and token, {@code KeyedDelta#scope()}) whose state the fold depends on. */
  Set<String> tokensToCheck() {
    Set<String> out = new LinkedHashSet<>();
    keyed.stream().filter(k -> k.write().sketched()).forEach(k -> out.add(k.write().scope()));
    return out;
  }

  /**
   * The commit with the partition's new sketches: what the store holds now ({@code base}) plus this
   * chunk. Leaves this object unchanged, so a {@code Stale} commit can be folded again.
   */
  PartitionCommit fold(PartitionCommit commit, SketchStore.FoldBase base, RedisKeys keys) {
    Map<CounterKey, UniqueSketch> u = new LinkedHashMap<>();
    unique.forEach((k, s) -> copyInto(u, k, s));
    Map<Slot, TopItems> t = new LinkedHashMap<>();
    top.forEach((slot, items) -> sumInto(t, slot, items));
    List<KeyedCheck> checks = new ArrayList<>(keyed.size());
    Set<String> seen = new HashSet<>(base.seenTokens());
    for (Keyed k : keyed) {
      KeyedDelta w = k.write();
      boolean isNew = seen.add(w.scope());
      if (!w.sketched()) {
        checks.add(KeyedCheck.ANY);
        continue;
      }
      checks.add(isNew ? KeyedCheck.NEW : KeyedCheck.SEEN);
      if (w.change().p() == 0) {
        continue; // sketches count increments only (the edge refuses user/item on a decrement)
      }
      SketchOptions o = settings.of(w.key().counter());
      if (w.user() != null) {
        UniqueSketch one = UniqueSketch.empty(o.lgK());
        one.add(w.user()); // a union: harmless even when the token was counted before
        copyInto(u, w.key(), one);
      }
      if (isNew) {
        for (Slot s : keyedSlots(w, k.createdAtMillis(), o)) {
          TopItems one = TopItems.empty(o.mapSize());
          one.add(s.by() == TopBy.USER ? w.user() : w.item(), w.change().p());
          sumInto(t, s, one);
        }
      }
    }
    String field = RedisKeys.partitionField(commit.partition());
    List<SketchWrite> writes = new ArrayList<>(u.size() + t.size());
    u.forEach((key, s) -> {
      String hash = keys.unique(key);
      byte[] stored = base.sketches().get(hash);
      if (stored != null) {
        try {
          s.merge(UniqueSketch.fromBytes(stored));
        } catch (IllegalArgumentException e) {
          log.error("stored unique sketch {} {} is unreadable ({}); replacing it", hash, field, e.getMessage());
        }
      }
      writes.add(new SketchWrite(hash, field, s.toBytes(), 0));
    });
    t.forEach((slot, items) -> {
      String hash = keys.top(slot.by(), slot.window(), slot.bucket(), slot.key());
      byte[] stored = base.sketches().get(hash);
      if (stored != null) {
        try {
          items.merge(TopItems.fromBytes(stored));
        } catch (IllegalArgumentException e) {
          log.error("stored top-K sketch {} {} is unreadable ({}); replacing it", hash, field, e.getMessage());
        }
      }
      writes.add(new SketchWrite(hash, field, items.toBytes(), slot.window().expiresAtMillis(slot.bucket())));
    });
    return commit.withSketches(checks.stream().allMatch(c -> c == KeyedCheck.ANY) ? List.of() : checks, writes);
  }

  private List<Slot> keyedSlots(KeyedDelta w, long at, SketchOptions o) {
    List<Slot> out = new ArrayList<>();
    if (!o.topEnabled()) {
      return out;
    }
    for (SketchWindow win : o.windows()) {
      if (w.user() != null) {
        out.add(new Slot(w.key(), TopBy.USER, win, win.bucketOf(at)));
      }
      if (w.item() != null) {
        out.add(new Slot(w.key(), TopBy.ITEM, win, win.bucketOf(at)));
      }
    }
    return out;
  }

  private void copyInto(Map<CounterKey, UniqueSketch> into, CounterKey key, UniqueSketch s) {
    into.computeIfAbsent(key, k -> UniqueSketch.empty(settings.of(k.counter()).lgK())).merge(s);
  }

  private void sumInto(Map<Slot, TopItems> into, Slot slot, TopItems items) {
    into.computeIfAbsent(slot, s -> TopItems.empty(settings.of(s.key().counter()).mapSize())).merge(items);
  }
}
