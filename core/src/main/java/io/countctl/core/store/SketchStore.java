package io.countctl.core.store;

import io.countctl.core.key.CounterKey;
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
   * What a partition's owner holds now: its field of each sketch hash, and which of the tokens
   * were counted before. The apply script's offset check makes this read consistent with the commit.
   */
  public FoldBase foldBase(int partition, Collection<String> sketchKeys, Collection<String> tokens) {
    byte[] field = bytes(RedisKeys.partitionField(partition));
    return store.call(j -> {
      Pipeline p = j.pipelined();
      Map<String, Response<byte[]>> values = new LinkedHashMap<>();
      for (String k : sketchKeys) {
        values.put(k, p.hget(bytes(k), field));
      }
      Map<String, Response<Boolean>> exists = new LinkedHashMap<>();
      for (String t : tokens) {
        exists.put(t, p.exists(keys.idempotencyPrefix() + t));
      }
      p.sync();
      Map<String, byte[]> out = new HashMap<>();
      values.forEach((k, r) -> {
        if (r.get() != null) {
          out.put(k, r.get());
        }
      });
      Set<String> seen = new HashSet<>();
      exists.forEach((t, r) -> {
        if (Boolean.TRUE.equals(r.get())) {
          seen.add(t);
        }
      });
      return new FoldBase(out, seen);
    });
  }

  /** A partition's current sketches by hash key, and the tokens already counted. */
  public record FoldBase(Map<String, byte[]> sketches, Set<String> seenTokens) {}

  /** The counter's distinct users: the union of every partition's sketch (and region's, when merged). */
  public Read<UniqueSketch> unique(CounterKey key, int lgK) {
    List<Map<byte[], byte[]>> hashes = hashes(List.of(keys.unique(key)));
    List<byte[]> parts = new ArrayList<>();
    long updated = collect(hashes, parts);
    return new Read<>(UniqueSketch.union(lgK, parts), updated);
  }

  /** The counter's weights by user or item over a window ending now: every bucket's, every partition's. */
  public Read<TopItems> top(CounterKey key, TopBy by, SketchWindow window, long nowMillis, int mapSize) {
    List<String> hashKeys = new ArrayList<>();
    for (long b : window.bucketsAt(nowMillis)) {
      hashKeys.add(keys.top(by, window, b, key));
    }
    List<byte[]> parts = new ArrayList<>();
    long updated = collect(hashes(hashKeys), parts);
    return new Read<>(TopItems.sum(mapSize, parts), updated);
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

  private static long collect(List<Map<byte[], byte[]>> hashes, List<byte[]> parts) {
    long updated = 0;
    for (Map<byte[], byte[]> h : hashes) {
      for (Map.Entry<byte[], byte[]> e : h.entrySet()) {
        if (java.util.Arrays.equals(e.getKey(), UPDATED)) {
          updated = Math.max(updated, Long.parseLong(new String(e.getValue(), StandardCharsets.US_ASCII)));
        } else {
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
