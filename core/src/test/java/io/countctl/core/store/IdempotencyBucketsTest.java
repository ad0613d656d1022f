package io.countctl.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.batch.KeyedDelta;
import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;
import io.countctl.testkit.RedisTestServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;

/** Idempotency keys in hourly buckets of digests, against a real Redis, with a clock the test moves. */
class IdempotencyBucketsTest {
  static final long HOUR = Duration.ofHours(1).toMillis();
  static RedisTestServer redis;
  static final AtomicLong now = new AtomicLong();
  static CounterStore store;

  /** A clock that reads {@link #now}: crossing a bucket boundary takes no waiting. */
  static final class TestClock extends Clock {
    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(now.get());
    }
  }

  @BeforeAll
  static void start() {
    redis = RedisTestServer.start();
    // Ahead of the real clock, so buckets' relative expiries are never in the past for Redis.
    now.set(System.currentTimeMillis() + HOUR);
    store = new CounterStore(redis.url(), "b", 4, Duration.ofHours(24), Duration.ofSeconds(5), new TestClock());
  }

  @AfterAll
  static void stop() {
    store.close();
    redis.close();
  }

  private final AtomicLong offset = new AtomicLong(1000);

  /** Applies one keyed write in a commit of its own; returns how many were skipped as duplicates. */
  private int apply(int partition, KeyedDelta w) {
    CommitResult r = store.apply(new PartitionCommit(partition, OptionalLong.empty(), 0, Map.of(), Map.of(), List.of(w), now.get()));
    if (r instanceof CommitResult.Fenced f) { // a partition already used in this test: go on from its offset
      long next = f.storedOffset().orElseThrow();
      r = store.apply(new PartitionCommit(partition, OptionalLong.of(next), next + 1, Map.of(), Map.of(), List.of(w), now.get()));
    }
    return assertInstanceOf(CommitResult.Applied.class, r).duplicateTokens();
  }

  private static long nextBoundary() {
    return (Math.floorDiv(now.get(), HOUR) + 1) * HOUR;
  }

  @Test
  void aKeySeenJustBeforeABucketBoundaryIsStillADuplicateJustAfter() {
    CounterKey k = new CounterKey("rollover", "likes");
    now.set(nextBoundary() - 1);
    KeyedDelta w = new KeyedDelta("late-in-the-hour", k, new PnCounter(1, 0));
    assertEquals(new KeyReservation(-1, Set.of(), true), store.reserveKeys(List.of(w)));
    assertEquals(0, apply(1, w), "counted");
    now.addAndGet(2); // the next bucket
    assertEquals(new KeyReservation(-1, Set.of(0), true), store.reserveKeys(List.of(w)), "the edge knows the retry");
    assertEquals(1, apply(1, w), "not counted twice");
    assertEquals(1, store.read(k).count());
    // A key reserved before the boundary and counted after it is still one key.
    KeyedDelta r = new KeyedDelta("reserved-before", k, new PnCounter(1, 0));
    now.set(nextBoundary() - 1);
    store.reserveKeys(List.of(r));
    now.addAndGet(2);
    assertEquals(0, apply(2, r));
    assertEquals(1, apply(2, r));
    assertEquals(2, store.read(k).count());
  }

  @Test
  void aKeyIsKeptForTheWholeWindowAndForgottenAfterIt() {
    CounterKey k = new CounterKey("window", "likes");
    now.addAndGet(3 * HOUR);
    KeyedDelta w = new KeyedDelta("day-old", k, new PnCounter(1, 0));
    assertEquals(0, apply(3, w));
    now.addAndGet(Duration.ofHours(24).toMillis()); // exactly the window later
    assertEquals(1, apply(3, w), "still a duplicate 24 h later");
    assertEquals(Set.of(0), store.reserveKeys(List.of(w)).again());
    now.addAndGet(2 * HOUR); // past the window and its last bucket
    assertEquals(Set.of(), store.reserveKeys(List.of(w)).again(), "forgotten: a new write");
    assertEquals(0, apply(3, w), "counted again, as a new write");
    assertEquals(2, store.read(k).count());
  }

  @Test
  void keysAreDigestsInSmallListpackHashesThatExpireWhole() {
    now.addAndGet(30 * HOUR);
    CounterKey k = new CounterKey("layout", "likes");
    List<KeyedDelta> writes = new java.util.ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      writes.add(new KeyedDelta("order-" + i, k, new PnCounter(1, 0)));
    }
    assertEquals(new KeyReservation(-1, Set.of(), true), store.reserveKeys(writes));
    String prefix = "{b}:ik:" + IdempotencyLayout.bucket(now.get()) + ":";
    try (Jedis j = new Jedis(redis.url())) {
      List<String> buckets = new java.util.ArrayList<>();
      String cursor = ScanParams.SCAN_POINTER_START;
      do {
        var page = j.scan(cursor, new ScanParams().match(prefix + "*").count(1000));
        buckets.addAll(page.getResult());
        cursor = page.getCursor();
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
      assertTrue(buckets.size() > 500 && buckets.size() <= IdempotencyLayout.SHARDS, "spread over the shards: " + buckets.size());
      long fields = 0;
      for (String b : buckets) {
        // listpack since Redis 7, ziplist before: both the compact encoding, not a hashtable
        assertTrue(Set.of("listpack", "ziplist").contains(j.objectEncoding(b)), b + ": " + j.objectEncoding(b));
        fields += j.hlen(b);
        long ttl = j.pttl(b);
        assertTrue(ttl > Duration.ofHours(25).toMillis() && ttl <= Duration.ofHours(26).toMillis(),
            "a bucket outlives the window by one bucket: " + ttl);
      }
      assertEquals(3000, fields, "one field per key");
      IdempotencyLayout.Slot slot = IdempotencyLayout.slot(writes.getFirst().scope());
      byte[] value = j.hget((prefix + slot.shard()).getBytes(), slot.field());
      assertEquals(12, slot.field().length, "a 12-byte digest of the scope, not the token");
      assertEquals("r" + writes.getFirst().fingerprint().substring(0, 6), new String(value), "reserved, bound to its write");
    }
    apply(4, writes.getFirst());
    assertEquals(Set.of(writes.getFirst().scope()), store.countedScopes(List.of(writes.getFirst().scope(), writes.get(1).scope())),
        "the worker's read of what was counted");
  }

  @Test
  void keysOfEarlierVersionsStillDeduplicateUntilTheyExpire() {
    CounterKey k = new CounterKey("legacy", "likes");
    KeyedDelta perCounter = new KeyedDelta("old-1", k, new PnCounter(1, 0));
    KeyedDelta global = new KeyedDelta("old-2", k, new PnCounter(1, 0));
    KeyedDelta bound = new KeyedDelta("old-3", k, new PnCounter(1, 0));
    try (Jedis j = new Jedis(redis.url())) {
      j.hset("{b}:ik:" + perCounter.scope(), Map.of("f", perCounter.fingerprint(), "c", "1"));
      j.setex("{b}:idem:old-2", 3600, "1");
      j.hset("{b}:ik:" + bound.scope(), "f", bound.fingerprint()); // reserved by an old edge, not counted
    }
    assertEquals(Set.of(0, 2), store.reserveKeys(List.of(perCounter, global, bound)).again());
    assertEquals(0, store.reserveKeys(List.of(new KeyedDelta("old-3", k, new PnCounter(0, 1)))).conflict(),
        "an old key bound to another write still refuses");
    assertEquals(1, apply(5, perCounter));
    assertEquals(1, apply(5, global));
    assertEquals(0, apply(5, bound), "reserved but never counted: counted now");
    assertEquals(1, apply(5, bound));
    assertEquals(1, store.read(k).count());
  }

  @Test
  void aCommitRedeliveredAfterAWorkerCrashAndADuplicatedBatchCountOnce() {
    CounterKey k = new CounterKey("crash", "likes");
    KeyedDelta w = new KeyedDelta("pay-1", k, new PnCounter(7, 0));
    PartitionCommit commit = new PartitionCommit(6, OptionalLong.empty(), 10, Map.of(), Map.of(), List.of(w), now.get());
    assertInstanceOf(CommitResult.Applied.class, store.apply(commit));
    // The worker died before it knew: its successor applies the same commit again.
    assertInstanceOf(CommitResult.Fenced.class, store.apply(commit));
    // The edge's batch delivered twice (a producer retry): another offset, the same keyed write.
    CommitResult again = store.apply(new PartitionCommit(6, OptionalLong.of(10), 11, Map.of(), Map.of(), List.of(w), now.get()));
    assertEquals(1, assertInstanceOf(CommitResult.Applied.class, again).duplicateTokens());
    // And on another partition, after a rebalance moved it: still one key.
    assertEquals(1, apply(7, w));
    assertEquals(7, store.read(k).count());
  }
}
