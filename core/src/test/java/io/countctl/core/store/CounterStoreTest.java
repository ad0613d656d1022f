package io.countctl.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.batch.BatchId;
import io.countctl.core.batch.EdgeMark;
import io.countctl.core.batch.KeyedDelta;
import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;
import io.countctl.testkit.RedisTestServer;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against a real Redis. */
class CounterStoreTest {
  static RedisTestServer redis;
  static CounterStore store;
  static final CounterKey LIKES = new CounterKey("post-1", "likes");

  @BeforeAll
  static void start() {
    redis = RedisTestServer.start();
    store = new CounterStore(redis.url(), "t", 4);
  }

  @AfterAll
  static void stop() {
    store.close();
    redis.close();
  }

  @Test
  void applyMovesSumsOffsetAndMarksTogetherAndFencesStaleWriters() {
    int partition = 3;
    CommitResult first = store.apply(new PartitionCommit(partition, OptionalLong.empty(), 10,
        Map.of("edge-a", EdgeMark.of(new BatchId("edge-a", 5, 1))), Map.of(LIKES, new PnCounter(7, 2)), 1000));
    CommitResult.Applied applied = (CommitResult.Applied) first;
    assertEquals(5, applied.totals().getFirst().count());
    assertEquals(OptionalLong.of(10), store.appliedOffset(partition));
    assertEquals(EdgeMark.of(new BatchId("edge-a", 5, 1)), store.highWaterMarks(partition).get("edge-a"));

    // A worker that still believes nothing was applied is refused, and changes nothing.
    CommitResult stale = store.apply(new PartitionCommit(partition, OptionalLong.empty(), 12,
        Map.of(), Map.of(LIKES, new PnCounter(100, 0)), 2000));
    assertEquals(new CommitResult.Fenced(OptionalLong.of(10)), stale);
    assertEquals(5, store.read(LIKES).count());

    store.apply(new PartitionCommit(partition, OptionalLong.of(10), 11, Map.of(), Map.of(LIKES, new PnCounter(0, 9)), 3000));
    StoredCounter now = store.read(LIKES);
    assertEquals(-4, now.count());
    assertEquals(3000, now.updatedAtMillis());
  }

  @Test
  void countsStayExactBeyondTwoToThe53AndOverflowIsRefused() {
    CounterKey big = new CounterKey("big", "views");
    long huge = (1L << 53) + 1;
    store.apply(new PartitionCommit(0, OptionalLong.empty(), 1, Map.of(), Map.of(big, new PnCounter(huge, 0)), 1));
    CommitResult.Applied a = (CommitResult.Applied) store.apply(new PartitionCommit(0, OptionalLong.of(1), 2, Map.of(), Map.of(big, new PnCounter(2, 0)), 2));
    assertEquals(huge + 2, a.totals().getFirst().count());

    CommitResult over = store.apply(new PartitionCommit(0, OptionalLong.of(2), 3, Map.of(),
        Map.of(big, new PnCounter(Long.MAX_VALUE - 10, 0)), 3));
    assertInstanceOf(CommitResult.Overflow.class, over);
    assertEquals(huge + 2, store.read(big).count());
    assertEquals(OptionalLong.of(2), store.appliedOffset(0), "a refused commit moves no offset");
  }

  @Test
  void snapshotReadsCountersWithOffsetsAndNeverWrittenReadsZero() {
    CounterKey fresh = new CounterKey("never", "written");
    store.apply(new PartitionCommit(7, OptionalLong.empty(), 4, Map.of(), Map.of(new CounterKey("s", "x"), new PnCounter(3, 0)), 1));
    StoreSnapshot snap = store.snapshot(List.of(fresh, new CounterKey("s", "x")));
    assertEquals(StoredCounter.NEVER_WRITTEN, snap.counters().get(fresh));
    assertEquals(3, snap.counters().get(new CounterKey("s", "x")).count());
    assertTrue(snap.contains(7, 3));
    assertTrue(!snap.contains(7, 4));
  }

  @Test
  void aKeyedWriteCountsOnceWhicheverCommitCarriesIt() {
    CounterKey k = new CounterKey("idem", "likes");
    io.countctl.core.batch.KeyedDelta once = new io.countctl.core.batch.KeyedDelta("tok-1", k, new PnCounter(1, 0));
    CommitResult.Applied a = (CommitResult.Applied) store.apply(new PartitionCommit(20, OptionalLong.empty(), 1, Map.of(),
        Map.of(), List.of(once, once), 1));
    assertEquals(1, a.duplicateTokens(), "the same token twice in one commit counts once");
    assertEquals(1, a.totals().getFirst().count());
    // A retry that reached another edge travels in another batch, maybe on another partition.
    CommitResult.Applied b = (CommitResult.Applied) store.apply(new PartitionCommit(21, OptionalLong.empty(), 1, Map.of(),
        Map.of(k, new PnCounter(5, 0)), List.of(once, new io.countctl.core.batch.KeyedDelta("tok-2", k, new PnCounter(0, 2))), 2));
    assertEquals(1, b.duplicateTokens());
    assertEquals(1 + 5 - 2, store.read(k).count());
  }

  @Test
  void epochsGrowWhateverTheClockSays() {
    long now = System.currentTimeMillis();
    long first = store.nextEpoch(now);
    assertTrue(first >= now, "at least the clock: above the wall-clock epochs of earlier versions");
    long afterStepBack = store.nextEpoch(now - 3_600_000); // the clock went back an hour
    long sameMillis = store.nextEpoch(now - 3_600_000);
    assertTrue(afterStepBack > first && sameMillis > afterStepBack, first + " < " + afterStepBack + " < " + sameMillis);
    assertTrue(store.nextEpoch(now + 60_000) >= now + 60_000, "a clock ahead moves it forward");
  }

  @Test
  void aKeyIsBoundToItsWriteAndAReusedOneRefusesTheWholeRequest() {
    CounterKey other = new CounterKey("post-2", "likes");
    KeyedDelta first = new KeyedDelta("k-1", LIKES, new PnCounter(1, 0));
    assertEquals(new KeyReservation(-1, Set.of(), true), store.reserveKeys(List.of(first)), "free: a first use");
    assertEquals(new KeyReservation(-1, Set.of(0), true), store.reserveKeys(List.of(first)),
        "the same write again is fine, and told to be a retry (the edge's view leaves it out)");
    assertEquals(new KeyReservation(-1, Set.of(), true), store.reserveKeys(List.of(new KeyedDelta("k-1", other, new PnCounter(0, 4)))),
        "another counter, another key");
    KeyedDelta fresh = new KeyedDelta("k-2", LIKES, new PnCounter(1, 0));
    assertEquals(1, store.reserveKeys(List.of(fresh, new KeyedDelta("k-1", LIKES, new PnCounter(2, 0)))).conflict());
    assertEquals(new KeyReservation(-1, Set.of(), true), store.reserveKeys(List.of(fresh)),
        "nothing of the refused request was taken: k-2 is still free");
    assertEquals(0, store.reserveKeys(List.of(new KeyedDelta("k-1", LIKES, new PnCounter(1, 0), "u", null))).conflict(),
        "another user is another write");
    KeyedDelta twice = new KeyedDelta("k-3", LIKES, new PnCounter(1, 0));
    assertEquals(1, store.reserveKeys(List.of(twice, new KeyedDelta("k-3", LIKES, new PnCounter(0, 1)))).conflict(),
        "a key used twice within one request for different writes");
    KeyedDelta k4 = new KeyedDelta("k-4", LIKES, new PnCounter(1, 0));
    assertEquals(new KeyReservation(-1, Set.of(1, 2), true), store.reserveKeys(List.of(k4, k4, first)),
        "the same write twice in one request: the second is the retry; k-1 is bound already");
    // A key bound by the previous version of the script (the same hash, field 'f') is recognised.
    KeyedDelta old = new KeyedDelta("k-old", LIKES, new PnCounter(1, 0));
    try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis(redis.url())) {
      j.hset("{t}:ik:" + old.scope(), "f", old.fingerprint());
    }
    assertEquals(new KeyReservation(-1, Set.of(0), true), store.reserveKeys(List.of(old)));
    assertEquals(0, store.reserveKeys(List.of(new KeyedDelta("k-old", LIKES, new PnCounter(2, 0)))).conflict());
  }

  @Test
  void countsSurviveARedisRestartFromTheAppendOnlyFile() {
    CounterKey k = new CounterKey("durable", "likes");
    store.apply(new PartitionCommit(11, OptionalLong.empty(), 1, Map.of(), Map.of(k, new PnCounter(42, 0)), 1));
    redis.restart();
    assertEquals(42, store.read(k).count());
    assertEquals(OptionalLong.of(1), store.appliedOffset(11));
  }

}
