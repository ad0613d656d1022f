package io.countctl.core.store;

import io.countctl.core.batch.EdgeMark;
import io.countctl.core.batch.KeyedDelta;
import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;
import io.countctl.core.totals.TotalChange;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import java.util.function.Function;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The Redis operations of the platform, for one cluster. Blocking (Jedis): call it from worker
 * threads or virtual threads, never from a Vert.x event loop.
 */
public final class CounterStore implements AutoCloseable {
  private static final String APPLY_SCRIPT = withKeys("apply-partition.lua");
  private static final String RESERVE_SCRIPT = withKeys("reserve-keys.lua");
  private static final LuaScript COUNTED = new LuaScript("keys-counted.lua", true);

  private final JedisPool pool;
  private final RedisKeys keys;
  private final IdempotencyLayout idempotency;
  private final java.time.Clock clock;
  private volatile String applySha;
  private volatile String reserveSha;

  public CounterStore(URI redisUrl, String cluster, int maxConnections) {
    this(redisUrl, cluster, maxConnections, java.time.Duration.ofHours(24));
  }

  /** @param idempotencyTtl how long a counted idempotency key keeps a retry from counting again */
  public CounterStore(URI redisUrl, String cluster, int maxConnections, java.time.Duration idempotencyTtl) {
    this(redisUrl, cluster, maxConnections, idempotencyTtl, java.time.Duration.ofSeconds(5));
  }

  /**
   * @param timeout longest a connect, a reply or a free pooled connection is waited for: a Redis
   *     that hangs (stopped, partitioned) fails calls after it instead of holding them
   */
  public CounterStore(URI redisUrl, String cluster, int maxConnections, java.time.Duration idempotencyTtl,
      java.time.Duration timeout) {
    this(redisUrl, cluster, maxConnections, idempotencyTtl, timeout, java.time.Clock.systemUTC());
  }

  /**
   * @param clock places idempotency keys in time buckets (edges and workers must roughly agree:
   *     a bucket outlives its window by one bucket); tests move it to cross bucket boundaries
   */
  public CounterStore(URI redisUrl, String cluster, int maxConnections, java.time.Duration idempotencyTtl,
      java.time.Duration timeout, java.time.Clock clock) {
    this.idempotency = new IdempotencyLayout(idempotencyTtl.compareTo(java.time.Duration.ofSeconds(1)) < 0
        ? java.time.Duration.ofSeconds(1) : idempotencyTtl);
    this.clock = clock;
    JedisPoolConfig config = new JedisPoolConfig();
    config.setMaxTotal(maxConnections);
    config.setMaxIdle(maxConnections);
    config.setJmxEnabled(false);
    config.setMaxWait(timeout);
    int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
    this.pool = new JedisPool(config, redisUrl, ms, ms);
    this.keys = new RedisKeys(cluster);
  }

  public RedisKeys keys() {
    return keys;
  }

  /** Round trip to Redis; throws when it is unreachable. */
  public void ping() {
    call(Jedis::ping);
  }

  /** A counter: this region's state and the other regions' entries, read in one MULTI. */
  public StoredCounter read(CounterKey key) {
    return snapshot(List.of(key)).counters().get(key);
  }

  /** Reads counters and every partition's applied offset in one MULTI, a consistent snapshot. */
  public StoreSnapshot snapshot(Collection<CounterKey> counters) {
    return call(j -> {
      Transaction tx = j.multi();
      Map<CounterKey, Response<List<String>>> replies = new LinkedHashMap<>();
      Map<CounterKey, Response<Map<String, String>>> remote = new HashMap<>();
      for (CounterKey k : counters) {
        replies.put(k, tx.hmget(keys.counter(k), "p", "n", "t", "v"));
        remote.put(k, tx.hgetAll(keys.remote(k)));
      }
      Response<Map<String, String>> offsets = tx.hgetAll(keys.offsets());
      tx.exec();
      Map<CounterKey, StoredCounter> values = new HashMap<>();
      replies.forEach((k, r) -> values.put(k, toStored(r.get(), RegionEntries.parse(k, remote.get(k).get()))));
      return new StoreSnapshot(values, parseOffsets(offsets.get()));
    });
  }

  /**
   * The counters' current states as totals records, with their versions: what a live reader should
   * show now (the fan-out pushes these after a rebalance or a new subscription).
   */
  public List<TotalChange> currentTotals(Collection<CounterKey> counters) {
    if (counters.isEmpty()) {
      return List.of();
    }
    StoreSnapshot snap = snapshot(counters);
    List<TotalChange> out = new ArrayList<>(counters.size());
    snap.counters().forEach((k, c) -> out.add(c.totalChange(k)));
    return out;
  }

  /** Next offset to read per partition, as applied. */
  public Map<Integer, Long> appliedOffsets() {
    return call(j -> parseOffsets(j.hgetAll(keys.offsets())));
  }

  public OptionalLong appliedOffset(int partition) {
    String v = call(j -> j.hget(keys.offsets(), Integer.toString(partition)));
    return v == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(v));
  }

  /** What one partition applied of each edge's batches. */
  public Map<String, EdgeMark> highWaterMarks(int partition) {
    Map<String, EdgeMark> marks = new HashMap<>();
    call(j -> j.hgetAll(keys.highWaterMarks(partition)))
        .forEach((edge, mark) -> marks.put(edge, EdgeMark.parse(mark)));
    return marks;
  }

  /**
   * Which of these replayed dead letters were applied already (their identities, see
   * {@link PartitionCommit#replays}): one HMGET, made only for chunks that carry replays.
   */
  public java.util.Set<String> replayedAlready(Collection<String> replays) {
    if (replays.isEmpty()) {
      return java.util.Set.of();
    }
    List<String> ids = List.copyOf(replays);
    List<String> at = call(j -> j.hmget(keys.replayed(), ids.toArray(String[]::new)));
    java.util.Set<String> out = new java.util.HashSet<>();
    for (int i = 0; i < ids.size(); i++) {
      if (at.get(i) != null) {
        out.add(ids.get(i));
      }
    }
    return out;
  }

  /** Replayed dead letters applied so far: identity → when (ms). */
  public Map<String, Long> replayed() {
    Map<String, Long> out = new HashMap<>();
    call(j -> j.hgetAll(keys.replayed())).forEach((id, at) -> out.put(id, Long.parseLong(at)));
    return out;
  }

  /**
   * A new epoch for an edge that starts: larger than every epoch taken before from this store,
   * whatever the clocks say (a pod restarted with its clock stepped back must not look older
   * than its previous run). It is at least {@code nowMillis}, so it also stays above the
   * wall-clock epochs of edges from before the store kept them.
   */
  public long nextEpoch(long nowMillis) {
    Object e = call(j -> j.eval(NEXT_EPOCH_SCRIPT, List.of(keys.edgeEpoch()), List.of(Long.toString(nowMillis))));
    return (Long) e;
  }

  private static final String NEXT_EPOCH_SCRIPT = """
      local e = math.max(tonumber(redis.call('GET', KEYS[1]) or '0') + 1, tonumber(ARGV[1]))
      redis.call('SET', KEYS[1], string.format('%.0f', e))
      return e
      """;

  /**
   * Takes the idempotency keys of writes about to be accepted, all or nothing (see
   * {@code reserve-keys.lua}): each key, scoped to its counter, is bound to its write's
   * fingerprint for the TTL.
   *
   * @return the index of the first write whose key was taken for another write of its counter
   *     (then nothing is taken), else -1 and which writes' keys were already bound to them (retries)
   */
  public KeyReservation reserveKeys(List<KeyedDelta> writes) {
    if (writes.isEmpty()) {
      return new KeyReservation(-1, java.util.Set.of(), true);
    }
    List<byte[]> args = new ArrayList<>(5 + 4 * writes.size());
    keyArgs(args);
    for (KeyedDelta w : writes) {
      IdempotencyLayout.Slot slot = IdempotencyLayout.slot(w.scope());
      args.add(bytes(w.scope()));
      args.add(bytes(w.fingerprint()));
      args.add(bytes(Integer.toString(slot.shard())));
      args.add(slot.field());
    }
    @SuppressWarnings("unchecked")
    List<Long> reply = (List<Long>) call(j -> {
      String sha = reserveSha;
      if (sha != null) {
        try {
          return j.evalsha(bytes(sha), List.of(), args);
        } catch (JedisNoScriptException e) {
          // load again below
        }
      }
      reserveSha = j.scriptLoad(RESERVE_SCRIPT);
      return j.evalsha(bytes(reserveSha), List.of(), args);
    });
    java.util.Set<Integer> again = new java.util.HashSet<>();
    for (Long n : reply.subList(1, reply.size())) {
      again.add(n.intValue() - 1);
    }
    return new KeyReservation(reply.getFirst().intValue() - 1, again, true);
  }

  /**
   * Which of these keys ({@code KeyedDelta#scope()}) were counted, read in one step.
   */
  public java.util.Set<String> countedScopes(Collection<String> scopes) {
    if (scopes.isEmpty()) {
      return java.util.Set.of();
    }
    List<String> order = List.copyOf(new java.util.LinkedHashSet<>(scopes));
    List<byte[]> args = new ArrayList<>(5 + 4 * order.size());
    keyArgs(args);
    for (String scope : order) {
      IdempotencyLayout.Slot slot = IdempotencyLayout.slot(scope);
      args.add(bytes(scope));
      args.add(bytes(KeyedDelta.tokenOf(scope)));
      args.add(bytes(Integer.toString(slot.shard())));
      args.add(slot.field());
    }
    List<?> reply = (List<?>) call(j -> COUNTED.eval(j, args));
    java.util.Set<String> out = new java.util.HashSet<>();
    for (int i = 0; i < order.size(); i++) {
      if ((Long) reply.get(i) == 1) {
        out.add(order.get(i));
      }
    }
    return out;
  }

  /** The arguments every idempotency-key script starts with (see {@code idempotency-keys.lua}). */
  private void keyArgs(List<byte[]> args) {
    args.add(bytes(keys.idempotencyKeyPrefix()));
    args.add(bytes(Long.toString(clock.millis())));
    args.add(bytes(Long.toString(IdempotencyLayout.BUCKET_MS)));
    args.add(bytes(Long.toString(idempotency.spanBuckets())));
    args.add(bytes(keys.idempotencyPrefix()));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Applies a worker's commit atomically; see {@code apply-partition.lua}. */
  public CommitResult apply(PartitionCommit commit) {
    List<byte[]> args = new ArrayList<>(15 + 2 * commit.marks().size() + 9 * commit.keyed().size()
        + 4 * commit.sketches().size() + 3 * commit.deltas().size());
    java.util.function.Consumer<String> arg = a -> args.add(a.getBytes(StandardCharsets.UTF_8));
    arg.accept(Integer.toString(commit.partition()));
    arg.accept(commit.expectedOffset().isPresent() ? Long.toString(commit.expectedOffset().getAsLong()) : "");
    arg.accept(Long.toString(commit.nextOffset()));
    arg.accept(Long.toString(commit.nowMillis()));
    arg.accept(keys.counterPrefix());
    arg.accept(Integer.toString(commit.marks().size()));
    arg.accept(Integer.toString(commit.keyed().size()));
    arg.accept(keys.idempotencyPrefix());
    arg.accept(Long.toString(IdempotencyLayout.BUCKET_MS));
    arg.accept(keys.remotePrefix());
    arg.accept(Integer.toString(commit.sketches().size()));
    arg.accept(keys.idempotencyKeyPrefix());
    arg.accept(Long.toString(clock.millis()));
    arg.accept(Long.toString(idempotency.spanBuckets()));
    arg.accept(Integer.toString(commit.replays().size()));
    commit.marks().forEach((edge, id) -> {
      arg.accept(edge);
      arg.accept(id.encode());
    });
    commit.replays().forEach(arg);
    for (int i = 0; i < commit.keyed().size(); i++) {
      KeyedDelta k = commit.keyed().get(i);
      arg.accept(k.scope());
      arg.accept(k.key().toString());
      arg.accept(Long.toString(k.change().p()));
      arg.accept(Long.toString(k.change().n()));
      arg.accept(commit.checks().isEmpty() ? "" : commit.checks().get(i).arg());
      arg.accept(k.fingerprint());
      arg.accept(k.token());
      IdempotencyLayout.Slot slot = IdempotencyLayout.slot(k.scope());
      arg.accept(Integer.toString(slot.shard()));
      args.add(slot.field());
    }
    for (SketchWrite w : commit.sketches()) {
      arg.accept(w.key());
      arg.accept(w.field());
      args.add(w.value());
      arg.accept(Long.toString(w.expireAtMillis()));
    }
    // One delta triple per touched counter, so the reply carries every touched counter's state.
    Map<CounterKey, PnCounter> touched = new java.util.LinkedHashMap<>(commit.deltas());
    commit.keyed().forEach(k -> touched.putIfAbsent(k.key(), PnCounter.ZERO));
    List<CounterKey> order = new ArrayList<>(touched.size());
    touched.forEach((key, d) -> {
      order.add(key);
      arg.accept(key.toString());
      arg.accept(Long.toString(d.p()));
      arg.accept(Long.toString(d.n()));
    });
    List<byte[]> keyList = java.util.stream.Stream.of(keys.offsets(), keys.highWaterMarks(commit.partition()),
        keys.changeLog(), keys.changeSeq(), keys.replayed()).map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
    // A retry after a dropped connection is safe: if the first attempt was applied, the offset
    // check answers Fenced with the stored offset equal to nextOffset.
    List<?> reply = (List<?>) call(j -> evalApply(j, keyList, args));
    long code = (Long) reply.get(0);
    if (code == 0) {
      String stored = str(reply.get(1));
      return new CommitResult.Fenced(stored.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(stored)));
    }
    if (code == 2) {
      return new CommitResult.Overflow(CounterKey.parse(str(reply.get(1))));
    }
    if (code == 3) {
      return new CommitResult.Stale();
    }
    if (code == 4) {
      return new CommitResult.Replayed(str(reply.get(1)));
    }
    List<TotalChange> totals = new ArrayList<>(order.size());
    for (int i = 0; i < order.size(); i++) {
      CounterKey key = order.get(i);
      PnCounter state = new PnCounter(Long.parseLong(str(reply.get(1 + 4 * i))), Long.parseLong(str(reply.get(2 + 4 * i))));
      long version = Long.parseLong(str(reply.get(3 + 4 * i)));
      StoredCounter stored = new StoredCounter(state, commit.nowMillis(), version,
          RegionEntries.parse(key, fieldPairs((List<?>) reply.get(4 + 4 * i))));
      totals.add(stored.totalChange(key));
    }
    return new CommitResult.Applied(totals, ((Long) reply.get(reply.size() - 1)).intValue());
  }

  private Object evalApply(Jedis j, List<byte[]> keyList, List<byte[]> args) {
    String sha = applySha;
    if (sha != null) {
      try {
        return j.evalsha(sha.getBytes(StandardCharsets.UTF_8), keyList, args);
      } catch (JedisNoScriptException e) {
        // Redis restarted or flushed its script cache: load again below.
      }
    }
    applySha = j.scriptLoad(APPLY_SCRIPT);
    return j.evalsha(applySha.getBytes(StandardCharsets.UTF_8), keyList, args);
  }

  /**
   * Runs {@code op} on a pooled connection, once more on a fresh connection if the first one turns
   * out dead (after a Redis restart every pooled connection is).
   */
  <T> T call(Function<Jedis, T> op) {
    try (Jedis j = pool.getResource()) {
      return op.apply(j);
    } catch (JedisConnectionException first) {
      try (Jedis j = pool.getResource()) {
        return op.apply(j);
      }
    }
  }

  @Override
  public void close() {
    pool.close();
  }

  private static StoredCounter toStored(List<String> pntv, Map<String, RegionEntry> remote) {
    if (pntv.get(0) == null && pntv.get(1) == null && pntv.get(3) == null && remote.isEmpty()) {
      return StoredCounter.NEVER_WRITTEN;
    }
    // p and n may be missing while v and remote entries exist: a counter written only in other regions
    return new StoredCounter(new PnCounter(parse(pntv.get(0)), parse(pntv.get(1))), parse(pntv.get(2)), parse(pntv.get(3)), remote);
  }

  /** An HGETALL reply returned from a script: field, value, field, value, … */
  private static Map<String, String> fieldPairs(List<?> flat) {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      out.put(str(flat.get(i)), str(flat.get(i + 1)));
    }
    return out;
  }

  private static long parse(String s) {
    return s == null ? 0 : Long.parseLong(s);
  }

  /** A script's reply element as text (Jedis hands bulk strings over as String or byte[]). */
  static String str(Object o) {
    return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
  }

  private static Map<Integer, Long> parseOffsets(Map<String, String> raw) {
    Map<Integer, Long> out = new HashMap<>();
    raw.forEach((p, o) -> out.put(Integer.parseInt(p), Long.parseLong(o)));
    return out;
  }

  /** A script that reads or writes idempotency keys: {@code idempotency-keys.lua}, then its own text. */
  static String withKeys(String name) {
    return loadScript("idempotency-keys.lua") + "\n" + loadScript(name);
  }

  static String loadScript(String name) {
    try (InputStream in = CounterStore.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing script " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
