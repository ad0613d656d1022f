package io.countctl.downtime.registry;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;

/**
 * Which frontends each worker serves, and worker heartbeats, kept in Redis so the handler can be
 * restarted (or replaced) without forgetting whom to notify. Blocking (Jedis): call it from
 * virtual or worker threads, never from a Vert.x event loop.
 */
public final class WorkerRegistry implements AutoCloseable {
  /**
   * Forgets the frontends that were just notified, and the worker itself once none are left. Only
   * what was handled is removed, and the heartbeat only if it is not newer than the death: a worker
   * that came back under the same name (a StatefulSet pod, a restarted process) and registered again
   * meanwhile keeps its new entries.
   * KEYS: frontends set, workers set, heartbeats hash. ARGV: worker, cutoff ms, frontends...
   */
  private static final String FORGET_SCRIPT = """
      for i = 3, #ARGV do redis.call('SREM', KEYS[1], ARGV[i]) end
      local hb = redis.call('HGET', KEYS[3], ARGV[1])
      if hb and tonumber(hb) <= tonumber(ARGV[2]) then redis.call('HDEL', KEYS[3], ARGV[1]); hb = false end
      if redis.call('SCARD', KEYS[1]) == 0 and not hb then redis.call('SREM', KEYS[2], ARGV[1]) end
      return 1
      """;

  private final JedisPool pool;
  private final RegistryKeys keys;

  public WorkerRegistry(URI redisUrl, String cluster) {
    JedisPoolConfig config = new JedisPoolConfig();
    config.setMaxTotal(16);
    config.setJmxEnabled(false);
    this.pool = new JedisPool(config, redisUrl, 5_000);
    this.keys = new RegistryKeys(cluster);
  }

  /** Round trip to Redis; throws when it is unreachable. */
  public void ping() {
    call(Jedis::ping);
  }

  /** Remembers that {@code worker} serves {@code frontend}; idempotent. */
  public void store(String worker, String frontend) {
    call(j -> {
      Transaction tx = j.multi();
      tx.sadd(keys.frontends(worker), frontend);
      tx.sadd(keys.workers(), worker);
      return tx.exec();
    });
  }

  /** Records a heartbeat of {@code worker} at {@code nowMs}. */
  public void heartbeat(String worker, long nowMs) {
    call(j -> {
      Transaction tx = j.multi();
      tx.hset(keys.heartbeats(), worker, Long.toString(nowMs));
      tx.sadd(keys.workers(), worker);
      return tx.exec();
    });
  }

  /** Forgets {@code frontend} for every worker: it is gone. Returns how many workers had it. */
  public int cleanup(String frontend) {
    return call(j -> {
      Set<String> workers = j.smembers(keys.workers());
      Pipeline p = j.pipelined();
      List<Response<Long>> removed = workers.stream().map(w -> p.srem(keys.frontends(w), frontend)).toList();
      p.sync();
      return (int) removed.stream().mapToLong(Response::get).sum();
    });
  }

  /** Forgets {@code frontend} for one worker only; whether it had it. */
  public boolean cleanup(String worker, String frontend) {
    return call(j -> j.srem(keys.frontends(worker), frontend)) > 0;
  }

  public Set<String> frontends(String worker) {
    return call(j -> j.smembers(keys.frontends(worker)));
  }

  public Set<String> workerIds() {
    return call(j -> j.smembers(keys.workers()));
  }

  /** Workers whose last heartbeat is older than {@code cutoffMs}; workers that never beat are not listed. */
  public Map<String, Long> heartbeatsOlderThan(long cutoffMs) {
    Map<String, String> all = call(j -> j.hgetAll(keys.heartbeats()));
    Map<String, Long> stale = new java.util.TreeMap<>();
    all.forEach((worker, ms) -> {
      long t = parse(ms);
      if (t < cutoffMs) {
        stale.put(worker, t);
      }
    });
    return stale;
  }

  /** Everything known, sorted by worker id: for operators. */
  public List<WorkerRecord> all() {
    return call(j -> {
      Set<String> workers = new TreeSet<>(j.smembers(keys.workers()));
      Map<String, String> beats = j.hgetAll(keys.heartbeats());
      Pipeline p = j.pipelined();
      List<Response<Set<String>>> sets = workers.stream().map(w -> p.smembers(keys.frontends(w))).toList();
      p.sync();
      List<WorkerRecord> out = new ArrayList<>();
      int i = 0;
      for (String w : workers) {
        String hb = beats.get(w);
        out.add(new WorkerRecord(w, hb == null ? OptionalLong.empty() : OptionalLong.of(parse(hb)),
            new TreeSet<>(sets.get(i++).get())));
      }
      return out;
    });
  }

  /**
   * Forgets a dead worker's {@code handled} frontends, its heartbeat if not newer than
   * {@code diedAtMs}, and the worker once nothing of it is left.
   */
  public void forget(String worker, Collection<String> handled, long diedAtMs) {
    List<String> args = new ArrayList<>(handled.size() + 2);
    args.add(worker);
    args.add(Long.toString(diedAtMs));
    args.addAll(handled);
    call(j -> j.eval(FORGET_SCRIPT, List.of(keys.frontends(worker), keys.workers(), keys.heartbeats()), args));
  }

  private static long parse(String ms) {
    try {
      return Long.parseLong(ms);
    } catch (NumberFormatException e) {
      return 0; // unreadable: treat as very old, the worker is forgotten like a silent one
    }
  }

  private <T> T call(Function<Jedis, T> op) {
    try (Jedis j = pool.getResource()) {
      return op.apply(j);
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
