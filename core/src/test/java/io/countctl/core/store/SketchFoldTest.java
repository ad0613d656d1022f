package io.countctl.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.key.CounterKey;
import io.countctl.core.sketch.UniqueSketch;
import io.countctl.testkit.RedisTestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Folding a counter's per-partition unique sketches into one, on a real Redis. */
class SketchFoldTest {
  static final CounterKey VIDEO = new CounterKey("video-9", "views");
  static RedisTestServer redis;
  static CounterStore counters;
  static SketchStore sketches;
  static Jedis jedis;

  @BeforeAll
  static void start() {
    redis = RedisTestServer.start();
    counters = new CounterStore(redis.url(), "fold", 2);
    sketches = new SketchStore(counters);
    jedis = new Jedis(redis.url());
  }

  @AfterAll
  static void stop() {
    jedis.close();
    counters.close();
    redis.close();
  }

  static byte[] users(int from, int to) {
    UniqueSketch s = UniqueSketch.empty(13);
    for (int i = from; i < to; i++) {
      s.add("u-" + i);
    }
    return s.toBytes();
  }

  static void put(String field, byte[] sketch) {
    jedis.hset(sketches.keys().unique(VIDEO).getBytes(StandardCharsets.UTF_8), field.getBytes(StandardCharsets.UTF_8), sketch);
  }

  static Set<String> fields() {
    return jedis.hkeys(sketches.keys().unique(VIDEO)).stream().collect(Collectors.toSet());
  }

  @Test
  void foldingKeepsTheUnionAndLeavesOneSketchEvenWhenAnOwnerWritesBackWhatItReadBefore() {
    byte[] p0 = users(0, 3_000);
    put("p0", p0);
    put("p1", users(2_000, 5_000));
    put("p2", users(4_000, 6_000));
    put("r:us", users(10_000, 11_000)); // a peer region's: not this region's to fold
    List<byte[]> all = new ArrayList<>(List.of(p0, users(2_000, 5_000), users(4_000, 6_000), users(10_000, 11_000)));
    var before = sketches.unique(VIDEO, 13).sketch().estimate();
    assertEquals(UniqueSketch.union(13, all).estimate(), before);

    assertTrue(sketches.foldUnique(VIDEO, 13));
    assertEquals(Set.of("f", "r:us"), fields(), "partitions folded, the region's field kept");
    assertEquals(before, sketches.unique(VIDEO, 13).sketch().estimate(), "the same union");
    long folded = jedis.hstrlen(sketches.keys().unique(VIDEO), "f");
    assertTrue(folded < p0.length * 3, "one sketch instead of three: " + folded + " bytes");

    // The owner of partition 0 had read p0 before the fold and writes it back with new users.
    UniqueSketch later = UniqueSketch.fromBytes(p0);
    for (int i = 6_000; i < 6_500; i++) {
      later.add("u-" + i);
    }
    put("p0", later.toBytes());
    all.add(later.toBytes());
    var afterRace = sketches.unique(VIDEO, 13).sketch().estimate();
    assertEquals(UniqueSketch.union(13, all).estimate(), afterRace, "users held twice count once");
    assertTrue(sketches.foldUnique(VIDEO, 13));
    assertEquals(afterRace, sketches.unique(VIDEO, 13).sketch().estimate());
    assertEquals(Set.of("f", "r:us"), fields());
    assertFalse(sketches.foldUnique(VIDEO, 13), "nothing left to fold");
    assertEquals(6_500, sketches.unique(VIDEO, 13, true).sketch().estimate().estimate(), 150,
        "scope=region: users 0..6499 of the folded field, not the peer's");
  }
}
