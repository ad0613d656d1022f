package io.countctl.core.store;

import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

/**
 * The region path's Redis operations (seed 000 §6, seed 001): other regions' {@code (P, N)}
 * entries and their max-merge, the change log the region-merge role ships from, what each peer
 * acknowledged, and when each region was last heard from. Blocking, like {@link CounterStore}.
 */
public final class RegionStore {
  private static final LuaScript MERGE = new LuaScript("merge-regions.lua");
  private static final LuaScript TRIM = new LuaScript("trim-log.lua");

  /** A counter in the change log and the sequence number of its newest change. */
  public record Change(CounterKey key, long seq) {}

  /** What a merge changed: how many entries grew, and the counters whose value changed. */
  public record Merged(int entries, List<CounterKey> counters) {
    public Merged {
      counters = List.copyOf(counters);
    }
  }

  /** One page of a full scan: the counters found and the cursor to go on with ("0": done). */
  public record ScanPage(String cursor, Set<CounterKey> keys) {}

  private final CounterStore store;
  private final RedisKeys keys;

  public RegionStore(CounterStore store) {
    this.store = store;
    this.keys = store.keys();
  }

  /**
   * Switches the change log on (idempotent): from now on every change of a counter, local or
   * merged from a peer, is logged. What changed before is found by a peer's first full scan.
   */
  public void enableChangeLog() {
    store.call(j -> j.setnx(keys.changeSeq(), "0"));
  }

  /**
   * Max-merges entries of other regions; {@code heard} (region → ms) raises last-heard times.
   * The caller has checked every entry: valid region, not this region. Every counter whose value
   * changed gets a new version, in the same script (see {@code merge-regions.lua}).
   */
  public Merged merge(Collection<RegionEntry> entries, Map<String, Long> heard) {
    List<String> args = new ArrayList<>(2 + 2 * heard.size() + 5 * entries.size());
    args.add(keys.remotePrefix());
    args.add(Integer.toString(heard.size()));
    args.add(keys.counterPrefix());
    heard.forEach((region, ms) -> {
      args.add(region);
      args.add(Long.toString(ms));
    });
    for (RegionEntry e : entries) {
      args.add(e.key().toString());
      args.add(e.region());
      args.add(Long.toString(e.state().p()));
      args.add(Long.toString(e.state().n()));
      args.add(Long.toString(e.updatedAtMillis()));
    }
    List<String> keyList = List.of(keys.changeLog(), keys.changeSeq(), keys.heard());
    List<?> reply = (List<?>) store.call(j -> MERGE.eval(j, keyList, args));
    List<CounterKey> counters = new ArrayList<>(reply.size() - 1);
    for (Object k : reply.subList(1, reply.size())) {
      counters.add(CounterKey.parse(CounterStore.str(k)));
    }
    return new Merged(((Long) reply.get(0)).intValue(), counters);
  }

  /** Counters whose newest change has a sequence above {@code after}, oldest first. */
  public List<Change> changedSince(long after, int limit) {
    List<Tuple> page = store.call(j -> j.zrangeByScoreWithScores(keys.changeLog(), "(" + after, "+inf", 0, limit));
    List<Change> out = new ArrayList<>(page.size());
    for (Tuple t : page) {
      out.add(new Change(CounterKey.parse(t.getElement()), (long) t.getScore()));
    }
    return out;
  }

  /** How many logged counters changed after {@code after}. */
  public long backlog(long after) {
    return store.call(j -> j.zcount(keys.changeLog(), "(" + after, "+inf"));
  }

  /** The newest sequence number handed out (0 when the log is off or new). */
  public long sequence() {
    String v = store.call(j -> j.get(keys.changeSeq()));
    return v == null ? 0 : Long.parseLong(v);
  }

  /** Highest sequence trimmed away: a peer acknowledged below it must catch up by a full scan. */
  public long floor() {
    String v = store.call(j -> j.get(keys.changeFloor()));
    return v == null ? 0 : Long.parseLong(v);
  }

  public OptionalLong acknowledged(String peer) {
    String v = store.call(j -> j.hget(keys.peerAcks(), peer));
    return v == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(v));
  }

  /** Records that {@code peer} holds every change up to {@code seq}. */
  public void acknowledge(String peer, long seq) {
    store.call(j -> j.hset(keys.peerAcks(), peer, Long.toString(seq)));
  }

  /**
   * Drops log entries every one of {@code peers} acknowledged, then the oldest beyond {@code cap}.
   * Returns how many were dropped.
   */
  public long trim(Collection<String> peers, long cap) {
    OptionalLong min = OptionalLong.empty();
    for (String p : peers) {
      OptionalLong a = acknowledged(p);
      if (a.isEmpty()) {
        min = OptionalLong.empty();
        break;
      }
      min = OptionalLong.of(min.isEmpty() ? a.getAsLong() : Math.min(min.getAsLong(), a.getAsLong()));
    }
    List<String> args = List.of(min.isPresent() ? Long.toString(min.getAsLong()) : "", Long.toString(cap));
    List<String> keyList = List.of(keys.changeLog(), keys.changeFloor());
    return (Long) store.call(j -> TRIM.eval(j, keyList, args));
  }

  /**
   * Every region's entry of each counter that this region knows, its own ({@code localRegion},
   * from the counter hash) included; counters without any entry are left out.
   */
  public List<RegionEntry> entries(Collection<CounterKey> counters, String localRegion) {
    return store.call(j -> {
      Pipeline pipe = j.pipelined();
      Map<CounterKey, Response<List<String>>> local = new HashMap<>();
      Map<CounterKey, Response<Map<String, String>>> remote = new HashMap<>();
      for (CounterKey k : counters) {
        local.put(k, pipe.hmget(keys.counter(k), "p", "n", "t"));
        remote.put(k, pipe.hgetAll(keys.remote(k)));
      }
      pipe.sync();
      List<RegionEntry> out = new ArrayList<>();
      for (CounterKey k : counters) {
        List<String> pnt = local.get(k).get();
        if (pnt.get(0) != null || pnt.get(1) != null) {
          out.add(new RegionEntry(k, localRegion, new PnCounter(num(pnt.get(0)), num(pnt.get(1))), num(pnt.get(2))));
        }
        out.addAll(RegionEntries.parse(k, remote.get(k).get()).values());
      }
      return out;
    });
  }

  /** One page of a scan over every counter this region knows (its own and other regions'). */
  public ScanPage scan(String cursor, int count) {
    // Both key families have prefixes of one length: {c}:c: and {c}:r:
    String pattern = "{" + keys.cluster() + "}:[cr]:*";
    int strip = keys.counterPrefix().length();
    ScanResult<String> r = store.call(j -> j.scan(cursor, new ScanParams().match(pattern).count(count)));
    Set<CounterKey> found = new LinkedHashSet<>();
    for (String key : r.getResult()) {
      found.add(CounterKey.parse(key.substring(strip)));
    }
    return new ScanPage(r.getCursor(), found);
  }

  /** When each region was last heard from (that region's clock, ms), as far as this region knows. */
  public Map<String, Long> heard() {
    Map<String, Long> out = new HashMap<>();
    store.call(j -> j.hgetAll(keys.heard())).forEach((r, ms) -> out.put(r, Long.parseLong(ms)));
    return out;
  }

  private static long num(String s) {
    return s == null ? 0 : Long.parseLong(s);
  }
}
