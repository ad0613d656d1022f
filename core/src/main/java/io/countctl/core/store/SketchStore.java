package io.countctl.core.store;

import io.countctl.core.key.CounterKey;
import io.countctl.core.sketch.SketchOptions;
import io.countctl.core.sketch.SketchSettings;
import io.countctl.core.sketch.SketchWindow;
import io.countctl.core.sketch.TopBy;
import io.countctl.core.sketch.TopItems;
import io.countctl.core.sketch.UniqueSketch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * Sketches in Redis (layout in {@link RedisKeys}): what a worker reads before folding a commit's
 * sketches, and the merged estimates an edge serves. Blocking, like {@link CounterStore}.
 */
public final class SketchStore {
  private static final byte[] UPDATED = bytes("t");
  /** Field prefix of a peer region's sketch ({@code r:eu-west}); partitions' fields are {@code p<n>}. */
  static final String REMOTE = "r:";
  /** Field of the partitions' unique sketches folded together ({@link #foldUnique}). */
  private static final byte[] FOLDED = bytes("f");

  private final CounterStore store;
  private final RedisKeys keys;

  public SketchStore(CounterStore store) {
    this.store = store;
    this.keys = store.keys();
  }

  public RedisKeys keys() {
    return keys;
  }

  /**
   * What a partition's owner holds now: its field of each sketch hash, and which of the keyed
   * writes' keys ({@code KeyedDelta#scope()}) were counted before. The apply script's offset check makes this read consistent with the commit.
   */
  public FoldBase foldBase(int partition, Collection<String> sketchKeys, Collection<String> tokens) {
    byte[] field = bytes(RedisKeys.partitionField(partition));
    Set<String> seen = store.countedScopes(tokens); // scopes: counter/token
    return store.call(j -> {
      Pipeline p = j.pipelined();
      Map<String, Response<byte[]>> values = new LinkedHashMap<>();
      for (String k : sketchKeys) {
        values.put(k, p.hget(bytes(k), field));
      }
      p.sync();
      Map<String, byte[]> out = new HashMap<>();
      values.forEach((k, r) -> {
        if (r.get() != null) {
          out.put(k, r.get());
        }
      });
      return new FoldBase(out, seen);
    });
  }

  /**
   * Folds the partitions' unique sketches of one counter into its field {@code f} and deletes
   * them, so a hot counter holds about one sketch instead of one per partition. Safe without the
   * partition fence because a union is idempotent: if an owner read its field before the fold
   * and writes it back after, the users it held are in {@code f} and in the field twice, which
   * counts them once. WATCH makes the fold itself all or nothing (it skips if the hash changed).
   * Top-K sketches are sums and are never folded this way.
   *
   * @return whether the fold was written
   */
  public boolean foldUnique(CounterKey key, int lgK) {
    byte[] hash = bytes(keys.unique(key));
    return store.call(j -> {
      j.watch(hash);
      Map<byte[], byte[]> fields = j.hgetAll(hash);
      List<byte[]> parts = new ArrayList<>();
      List<byte[]> partitions = new ArrayList<>();
      byte[] folded = null;
      for (Map.Entry<byte[], byte[]> e : fields.entrySet()) {
        byte[] f = e.getKey();
        if (java.util.Arrays.equals(f, FOLDED)) {
          folded = e.getValue();
        } else if (f.length > 0 && f[0] == 'p') {
          partitions.add(f);
          parts.add(e.getValue());
        }
      }
      if (partitions.isEmpty()) {
        j.unwatch();
        return false;
      }
      if (folded != null) {
        parts.add(folded);
      }
      byte[] union = UniqueSketch.union(lgK, parts).toBytes();
      var tx = j.multi();
      tx.hset(hash, FOLDED, union);
      tx.hdel(hash, partitions.toArray(new byte[0][]));
      List<Object> done = tx.exec();
      return done != null && !done.isEmpty();
    });
  }

  /** A partition's current sketches by hash key, and the tokens already counted. */
  public record FoldBase(Map<String, byte[]> sketches, Set<String> seenTokens) {}

  /** The counter's distinct users in every region: the union of every partition's and peer region's sketch. */
  public Read<UniqueSketch> unique(CounterKey key, int lgK) {
    return unique(key, lgK, false);
  }

  /** @param regionOnly only this region's partitions, not what peer regions shipped */
  public Read<UniqueSketch> unique(CounterKey key, int lgK, boolean regionOnly) {
    List<Map<byte[], byte[]>> hashes = hashes(List.of(keys.unique(key)));
    List<byte[]> parts = new ArrayList<>();
    long updated = collect(hashes, parts, regionOnly);
    return new Read<>(UniqueSketch.union(lgK, parts), updated);
  }

  /** The counter's weights by user or item over a window ending now: every bucket's, partition's and region's. */
  public Read<TopItems> top(CounterKey key, TopBy by, SketchWindow window, long nowMillis, int mapSize) {
    return top(key, by, window, nowMillis, mapSize, false);
  }

  public Read<TopItems> top(CounterKey key, TopBy by, SketchWindow window, long nowMillis, int mapSize, boolean regionOnly) {
    List<String> hashKeys = new ArrayList<>();
    for (long b : window.bucketsAt(nowMillis)) {
      hashKeys.add(keys.top(by, window, b, key));
    }
    List<byte[]> parts = new ArrayList<>();
    long updated = collect(hashes(hashKeys), parts, regionOnly);
    return new Read<>(TopItems.sum(mapSize, parts), updated);
  }

  /**
   * This region's sketches of changed counters, its partitions merged, for the region-merge role
   * to ship: the unique count and, per ranking and kept window, the buckets that can still
   * change (the current and the previous one; {@code all} has one).
   */
  public List<RegionSketch> regionSketches(Collection<CounterKey> counters, SketchSettings settings, long nowMillis) {
    List<RegionSketch> slots = new ArrayList<>();
    List<String> hashKeys = new ArrayList<>();
    for (CounterKey key : counters) {
      SketchOptions o = settings.of(key.counter());
      slots.add(new RegionSketch(key, null, null, 0, null));
      hashKeys.add(keys.unique(key));
      if (!o.topEnabled()) {
        continue;
      }
      for (TopBy by : TopBy.values()) {
        for (SketchWindow w : o.windows()) {
          long current = w.bucketOf(nowMillis);
          for (long b : w == SketchWindow.ALL ? List.of(0L) : List.of(current - w.bucketMillis(), current)) {
            slots.add(new RegionSketch(key, by, w, b, null));
            hashKeys.add(keys.top(by, w, b, key));
          }
        }
      }
    }
    List<Map<byte[], byte[]>> hashes = hashes(hashKeys);
    List<RegionSketch> out = new ArrayList<>();
    for (int i = 0; i < slots.size(); i++) {
      List<byte[]> parts = new ArrayList<>();
      collect(List.of(hashes.get(i)), parts, true);
      if (parts.isEmpty()) {
        continue;
      }
      RegionSketch slot = slots.get(i);
      SketchOptions o = settings.of(slot.key().counter());
      byte[] merged = slot.unique() ? UniqueSketch.union(o.lgK(), parts).toBytes() : TopItems.sum(o.mapSize(), parts).toBytes();
      out.add(new RegionSketch(slot.key(), slot.by(), slot.window(), slot.bucket(), merged));
    }
    return out;
  }

  /**
   * Stores a peer region's sketches under its own field ({@code r:<region>}). Unique sketches are
   * unioned with what is there (idempotent); a top-K sketch replaces the stored one only if it
   * weighs more — a region's weights only grow, so a late or repeated shipment changes nothing.
   * Only the region-merge role writes these fields, one shipment of a region at a time.
   */
  public void mergeRemote(String region, List<RegionSketch> sketches, SketchSettings settings) {
    if (sketches.isEmpty()) {
      return;
    }
    byte[] field = bytes(REMOTE + region);
    List<byte[]> hashKeys = new ArrayList<>(sketches.size());
    for (RegionSketch s : sketches) {
      hashKeys.add(bytes(s.unique() ? keys.unique(s.key()) : keys.top(s.by(), s.window(), s.bucket(), s.key())));
    }
    store.call(j -> {
      Pipeline read = j.pipelined();
      List<Response<byte[]>> stored = new ArrayList<>(sketches.size());
      hashKeys.forEach(k -> stored.add(read.hget(k, field)));
      read.sync();
      Pipeline write = j.pipelined();
      byte[] now = bytes(Long.toString(System.currentTimeMillis()));
      for (int i = 0; i < sketches.size(); i++) {
        RegionSketch s = sketches.get(i);
        byte[] old = stored.get(i).get();
        byte[] value = s.sketch();
        if (s.unique()) {
          if (old != null) {
            UniqueSketch u = UniqueSketch.fromBytes(value);
            u.merge(UniqueSketch.fromBytes(old));
            value = u.toBytes();
          }
        } else if (old != null && TopItems.fromBytes(old).weight() >= TopItems.fromBytes(value).weight()) {
          continue;
        }
        write.hset(hashKeys.get(i), Map.of(field, value, UPDATED, now));
        if (!s.unique() && s.window() != SketchWindow.ALL) {
          write.pexpireAt(hashKeys.get(i), s.window().expiresAtMillis(s.bucket()));
        }
      }
      write.sync();
      return null;
    });
  }

  /** A merged sketch and when any of its parts last changed (0: never). */
  public record Read<T>(T sketch, long updatedAtMillis) {}

  private List<Map<byte[], byte[]>> hashes(List<String> hashKeys) {
    return store.call(j -> {
      Pipeline p = j.pipelined();
      List<Response<Map<byte[], byte[]>>> replies = new ArrayList<>(hashKeys.size());
      for (String k : hashKeys) {
        replies.add(p.hgetAll(bytes(k)));
      }
      p.sync();
      List<Map<byte[], byte[]>> out = new ArrayList<>(replies.size());
      replies.forEach(r -> out.add(r.get()));
      return out;
    });
  }

  /** Adds the sketch fields of the hashes to {@code parts}; returns the newest update time. */
  private static long collect(List<Map<byte[], byte[]>> hashes, List<byte[]> parts, boolean regionOnly) {
    long updated = 0;
    for (Map<byte[], byte[]> h : hashes) {
      for (Map.Entry<byte[], byte[]> e : h.entrySet()) {
        if (java.util.Arrays.equals(e.getKey(), UPDATED)) {
          updated = Math.max(updated, Long.parseLong(new String(e.getValue(), StandardCharsets.US_ASCII)));
        } else if (!regionOnly || e.getKey().length == 0 || e.getKey()[0] != 'r') {
          parts.add(e.getValue());
        }
      }
    }
    return updated;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
