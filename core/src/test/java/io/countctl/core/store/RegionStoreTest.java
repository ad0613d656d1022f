package io.countctl.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;
import io.countctl.core.totals.TotalChange;
import io.countctl.testkit.RedisTestServer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The per-region entries, their max-merge and the change log, against a real Redis. */
class RegionStoreTest {
  static RedisTestServer redis;
  static final List<CounterStore> opened = new ArrayList<>();
  static int clusters;

  @BeforeAll
  static void start() {
    redis = RedisTestServer.start();
  }

  @AfterAll
  static void stop() {
    opened.forEach(CounterStore::close);
    redis.close();
  }

  /** A fresh cluster name per use: each is an independent region store on the one Redis. */
  static CounterStore fresh() {
    CounterStore s = new CounterStore(redis.url(), "r" + (clusters++), 2);
    opened.add(s);
    return s;
  }

  static RegionEntry e(String key, String region, long p, long n, long t) {
    return new RegionEntry(CounterKey.parse(key), region, new PnCounter(p, n), t);
  }

  @Test
  void theLargerOfEachPartWinsPerRegionAndTheGlobalCountSumsRegions() {
    CounterStore s = fresh();
    RegionStore r = new RegionStore(s);
    CounterKey k = CounterKey.parse("post-1/likes");
    s.apply(new PartitionCommit(0, OptionalLong.empty(), 1, Map.of(), Map.of(k, new PnCounter(10, 1)), 5));

    assertEquals(2, r.merge(List.of(e("post-1/likes", "us", 7, 2, 100), e("post-1/likes", "ap", 3, 0, 90)), Map.of()).entries());
    assertEquals(0, r.merge(List.of(e("post-1/likes", "us", 6, 2, 200)), Map.of()).entries(), "stale: no change");
    assertEquals(1, r.merge(List.of(e("post-1/likes", "us", 6, 4, 150)), Map.of()).entries(), "n grew, p did not");

    StoredCounter c = s.read(k);
    assertEquals(9, c.count(), "this region's own entry is untouched by merges");
    assertEquals(new PnCounter(7, 4), c.remote().get("us").state());
    assertEquals(200, c.remote().get("us").updatedAtMillis(), "updated-at is merged by max too");
    assertEquals(9 + 3 + 3, c.globalCount());
    assertEquals(200, c.globalUpdatedAtMillis());
    assertEquals(Set.of("eu", "us", "ap"), r.entries(List.of(k), "eu").stream().map(RegionEntry::region).collect(Collectors.toSet()));
  }

  @Test
  void aMergeThatChangesAValueBumpsItsVersionAndCommitsPublishTheGlobalState() {
    CounterStore s = fresh();
    RegionStore r = new RegionStore(s);
    r.enableChangeLog();
    CounterKey k = CounterKey.parse("post-2/likes");

    RegionStore.Merged m = r.merge(List.of(e("post-2/likes", "us", 5, 1, 100), e("post-2/likes", "ap", 2, 0, 100)), Map.of());
    assertEquals(2, m.entries());
    assertEquals(List.of(k), m.counters(), "each changed counter once");
    StoredCounter merged = s.read(k);
    assertTrue(merged.version() > 0, "a merged change is a new version of the counter");
    assertEquals(6, merged.globalCount());
    assertEquals(List.of(), r.merge(List.of(e("post-2/likes", "us", 5, 1, 200)), Map.of()).counters(), "nothing grew");
    assertEquals(merged.version(), s.read(k).version(), "no new version when the value did not change");

    CommitResult.Applied applied = (CommitResult.Applied) s.apply(
        new PartitionCommit(0, OptionalLong.empty(), 1, Map.of(), Map.of(k, new PnCounter(10, 0)), 5));
    TotalChange published = applied.totals().get(0);
    assertEquals(new PnCounter(17, 1), published.state(), "a commit publishes the global state, other regions included");
    assertTrue(published.version() > merged.version());
    TotalChange current = s.currentTotals(List.of(k)).get(0);
    assertEquals(published.state(), current.state());
    assertEquals(published.version(), current.version());
  }

  @Test
  void partsBeyondTwoToThe53CompareExactly() {
    CounterStore s = fresh();
    RegionStore r = new RegionStore(s);
    long big = (1L << 53) + 1;
    r.merge(List.of(e("b/v", "us", big, 0, 1)), Map.of());
    assertEquals(1, r.merge(List.of(e("b/v", "us", big + 1, 0, 2)), Map.of()).entries(), "a double could not tell these apart");
    assertEquals(0, r.merge(List.of(e("b/v", "us", big, 0, 3)), Map.of()).entries());
    assertEquals(big + 1, s.read(CounterKey.parse("b/v")).remote().get("us").state().p());
  }

  /**
   * Property: however shipments of growing per-region states are duplicated, reordered, dropped
   * for a while and replayed, two stores that end up receiving every state hold the same entries,
   * and they equal the per-part maxima.
   */
  @Test
  void anyInterleavingOfDuplicatesReordersAndReplaysConvergesToTheMaxima() {
    Random rnd = new Random(12);
    List<String> regions = List.of("us", "ap", "sa");
    List<String> counters = List.of("a/x", "b/x", "c/y");
    for (int round = 0; round < 20; round++) {
      // The truth: each region's state of each counter only grows; one observation per step.
      List<List<RegionEntry>> shipments = new ArrayList<>();
      Map<String, long[]> now = new HashMap<>();
      for (int step = 0; step < 30; step++) {
        List<RegionEntry> shipment = new ArrayList<>();
        for (int i = 0; i < 1 + rnd.nextInt(4); i++) {
          String region = regions.get(rnd.nextInt(regions.size()));
          String counter = counters.get(rnd.nextInt(counters.size()));
          long[] pn = now.computeIfAbsent(region + "|" + counter, x -> new long[3]);
          pn[0] += rnd.nextInt(5);
          pn[1] += rnd.nextInt(3);
          pn[2] += 1 + rnd.nextInt(10);
          shipment.add(e(counter, region, pn[0], pn[1], pn[2]));
        }
        shipments.add(shipment);
      }
      CounterStore a = fresh();
      CounterStore b = fresh();
      List<List<RegionEntry>> forA = new ArrayList<>(shipments);
      forA.addAll(shipments.subList(0, 10)); // replay after a "restart"
      List<List<RegionEntry>> forB = new ArrayList<>();
      for (List<RegionEntry> sh : shipments) {
        forB.add(sh);
        if (rnd.nextBoolean()) {
          forB.add(sh); // duplicate
        }
      }
      Collections.shuffle(forA, rnd);
      Collections.shuffle(forB, rnd);
      forA.forEach(sh -> new RegionStore(a).merge(sh, Map.of()));
      forB.forEach(sh -> new RegionStore(b).merge(sh, Map.of()));
      for (String counter : counters) {
        CounterKey k = CounterKey.parse(counter);
        Map<String, RegionEntry> ra = a.read(k).remote();
        assertEquals(ra, b.read(k).remote(), "round " + round + " " + counter);
        for (String region : regions) {
          long[] truth = now.get(region + "|" + counter);
          if (truth != null && (truth[0] > 0 || truth[1] > 0)) {
            assertEquals(new PnCounter(truth[0], truth[1]), ra.get(region).state());
            assertEquals(truth[2], ra.get(region).updatedAtMillis());
          }
        }
      }
    }
  }

  @Test
  void theChangeLogHoldsLocalCommitsAndMergesThatChangedSomethingOnlyOnceSwitchedOn() {
    CounterStore s = fresh();
    RegionStore r = new RegionStore(s);
    CounterKey before = CounterKey.parse("before/likes");
    s.apply(new PartitionCommit(0, OptionalLong.empty(), 1, Map.of(), Map.of(before, new PnCounter(1, 0)), 1));
    assertEquals(List.of(), r.changedSince(0, 100), "off until the region-merge role switches it on");

    r.enableChangeLog();
    r.enableChangeLog(); // idempotent: a restart of the role keeps the sequence
    CounterKey x = CounterKey.parse("x/likes");
    CounterKey y = CounterKey.parse("y/likes");
    s.apply(new PartitionCommit(0, OptionalLong.of(1), 2, Map.of(), Map.of(x, new PnCounter(1, 0), y, new PnCounter(2, 0)), 2));
    r.merge(List.of(e("z/likes", "us", 4, 0, 3)), Map.of());
    long seq = r.sequence();
    assertEquals(3, seq);
    assertEquals(Set.of(x, y, CounterKey.parse("z/likes")),
        r.changedSince(0, 100).stream().map(RegionStore.Change::key).collect(Collectors.toSet()));

    r.merge(List.of(e("z/likes", "us", 4, 0, 3)), Map.of());
    assertEquals(seq, r.sequence(), "a merge that changed nothing is not logged (no echo between regions)");
    s.apply(new PartitionCommit(0, OptionalLong.of(2), 3, Map.of(), Map.of(x, new PnCounter(1, 0)), 4));
    List<RegionStore.Change> after = r.changedSince(seq, 100);
    assertEquals(List.of(new RegionStore.Change(x, seq + 1)), after, "one entry per counter, at its newest change");
    assertEquals(1, r.backlog(seq));
  }

  @Test
  void trimmingDropsWhatEveryPeerHasAndCapsTheLogWithAFloor() {
    CounterStore s = fresh();
    RegionStore r = new RegionStore(s);
    r.enableChangeLog();
    List<RegionEntry> many = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      many.add(e("c" + i + "/likes", "us", 1, 0, 1));
    }
    r.merge(many, Map.of());
    r.acknowledge("us", 4);
    assertEquals(0, r.trim(List.of("us", "ap"), 1000), "ap has acknowledged nothing yet: nothing trimmed by ack");
    r.acknowledge("ap", 6);
    assertEquals(4, r.trim(List.of("us", "ap"), 1000));
    assertEquals(4, r.floor());
    assertEquals(4, r.trim(List.of("us", "ap"), 2), "beyond the cap the oldest go");
    assertEquals(8, r.floor(), "a peer acknowledged below 8 must now scan");
    assertEquals(2, r.changedSince(0, 100).size());
  }

  @Test
  void aScanFindsEveryCounterOwnAndRemoteAndLastHeardOnlyRises() {
    CounterStore s = fresh();
    RegionStore r = new RegionStore(s);
    s.apply(new PartitionCommit(0, OptionalLong.empty(), 1, Map.of(), Map.of(CounterKey.parse("own/likes"), new PnCounter(1, 0)), 1));
    r.merge(List.of(e("theirs/likes", "us", 1, 0, 1)), Map.of("us", 500L));
    r.merge(List.of(), Map.of("us", 400L, "ap", 300L));
    Set<CounterKey> seen = new HashSet<>();
    String cursor = "0";
    do {
      RegionStore.ScanPage page = r.scan(cursor, 1);
      seen.addAll(page.keys());
      cursor = page.cursor();
    } while (!cursor.equals("0"));
    assertEquals(Set.of(CounterKey.parse("own/likes"), CounterKey.parse("theirs/likes")), seen);
    assertEquals(Map.of("us", 500L, "ap", 300L), r.heard());
    assertTrue(s.read(CounterKey.parse("own/likes")).remote().isEmpty());
  }
}
