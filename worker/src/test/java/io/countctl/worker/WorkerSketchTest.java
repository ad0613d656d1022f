package io.countctl.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.batch.BatchId;
import io.countctl.core.batch.Delta;
import io.countctl.core.batch.DeltaBatch;
import io.countctl.core.batch.DeltaBatchCodec;
import io.countctl.core.batch.KeyedDelta;
import io.countctl.core.config.Settings;
import io.countctl.core.config.Topics;
import io.countctl.core.counter.PnCounter;
import io.countctl.core.kafka.TopicProvisioner;
import io.countctl.core.key.CounterKey;
import io.countctl.core.sketch.SketchAccumulator;
import io.countctl.core.sketch.SketchSettings;
import io.countctl.core.sketch.SketchWindow;
import io.countctl.core.sketch.TopBy;
import io.countctl.core.sketch.TopEntry;
import io.countctl.core.sketch.UniqueSketch;
import io.countctl.core.store.CounterStore;
import io.countctl.core.store.SketchStore;
import io.countctl.testkit.TestServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sketches through real workers on real Kafka and Redis: batches as edges send them (each
 * flush's users and items pre-aggregated), replayed, duplicated and interrupted by a crash; the
 * store must end exactly where one clean pass over each batch would.
 */
class WorkerSketchTest {
  static final int PARTITIONS = 4;
  static final CounterKey VIDEO = new CounterKey("video-9", "views");
  TestServers servers;
  CounterStore store;
  SketchStore sketches;
  KafkaProducer<byte[], byte[]> producer;
  final List<Worker> workers = new ArrayList<>();
  String cluster;
  int nextPartition;
  /** What one clean pass would hold: every distinct user, every item's weight. */
  final List<byte[]> flushedUsers = new ArrayList<>();
  final java.util.Set<String> distinctUsers = new java.util.HashSet<>();
  final Map<String, Long> expectedItems = new HashMap<>();
  final Map<String, Long> expectedRecentItems = new HashMap<>();
  long expectedCount;

  @BeforeEach
  void start() {
    servers = TestServers.start();
    cluster = "s" + System.nanoTime() % 100_000;
    TopicProvisioner.ensureTopics(servers.kafka().bootstrapServers(), new Topics(cluster), PARTITIONS, (short) 1);
    store = new CounterStore(servers.redis().url(), cluster, 2);
    sketches = new SketchStore(store);
    producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers.kafka().bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
  }

  @AfterEach
  void stop() {
    workers.forEach(Worker::close);
    producer.close();
    store.close();
    servers.close();
  }

  Worker worker(String id) {
    Worker w = Worker.start(WorkerConfig.from(Settings.of(servers.settings(cluster, Map.of(
        "COUNT_WORKER_ID", id,
        "COUNT_PARTITIONS", Integer.toString(PARTITIONS),
        "COUNT_MAX_POLL_RECORDS", "20",
        "COUNT_FANOUT", "false")))));
    workers.add(w);
    return w;
  }

  /** One edge flush: {@code writes} increments from random users, items from a short list. */
  DeltaBatch flush(String edge, long seq, long createdAt, int writes, SplittableRandom rnd, String itemPrefix) {
    SketchAccumulator acc = new SketchAccumulator(SketchSettings.DEFAULTS);
    for (int i = 0; i < writes; i++) {
      String user = "u-" + rnd.nextInt(5_000);
      String item = itemPrefix + rnd.nextInt(12);
      acc.add(VIDEO, user, item, 1);
      distinctUsers.add(user);
      expectedItems.merge(item, 1L, Long::sum);
      if (createdAt > System.currentTimeMillis() - 30_000) {
        expectedRecentItems.merge(item, 1L, Long::sum);
      }
    }
    expectedCount += writes;
    var deltas = acc.drain();
    deltas.forEach(d -> flushedUsers.add(d.unique()));
    return new DeltaBatch(new BatchId(edge, 1, seq), createdAt, List.of(new Delta(VIDEO, writes, 0)), List.of(), deltas);
  }

  void send(DeltaBatch b) throws Exception {
    producer.send(new ProducerRecord<>(new Topics(cluster).deltas(), nextPartition++ % PARTITIONS, null,
        DeltaBatchCodec.encode(b))).get();
  }

  Map<String, Long> weights(TopBy by, SketchWindow window) {
    return sketches.top(VIDEO, by, window, System.currentTimeMillis(), SketchSettings.DEFAULTS.of("views").mapSize())
        .sketch().top(100).stream().collect(Collectors.toMap(TopEntry::value, TopEntry::estimate));
  }

  @Test
  void duplicatesACrashAndARebalanceLeaveSketchesAsOneCleanPass() throws Exception {
    Worker first = worker("w-1");
    SplittableRandom rnd = new SplittableRandom(7);
    long old = System.currentTimeMillis() - 5 * 60_000; // in the 10m window, not in the 1m one
    List<DeltaBatch> sent = new ArrayList<>();
    for (int seq = 0; seq < 60; seq++) {
      DeltaBatch b = seq < 10 ? flush("edge-a", seq, old, 40, rnd, "old-") : flush("edge-a", seq, System.currentTimeMillis(), 40, rnd, "fr-");
      send(b);
      sent.add(b);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> store.appliedOffsets().values().stream().mapToLong(Long::longValue).sum() > 10);
    first.crash(); // mid-stream: nothing more applied or committed
    workers.remove(first);
    for (DeltaBatch b : sent.subList(20, 40)) {
      send(b); // the same batches again, on other partitions (a resend after a lost acknowledgement)
    }
    for (int seq = 60; seq < 100; seq++) {
      send(flush("edge-a", seq, System.currentTimeMillis(), 40, rnd, "fr-"));
    }
    worker("w-2");
    worker("w-3"); // a rebalance while batches flow
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> store.read(VIDEO).count() == expectedCount
            && weights(TopBy.ITEM, SketchWindow.ALL).equals(expectedItems));

    assertEquals(expectedItems, weights(TopBy.ITEM, SketchWindow.ALL), "every item weighed once");
    assertEquals(expectedItems, weights(TopBy.ITEM, SketchWindow.M10), "the 10m window holds the 5-minute-old items too");
    assertEquals(expectedRecentItems, weights(TopBy.ITEM, SketchWindow.M1), "the 1m window holds only recent items");
    assertTrue(weights(TopBy.ITEM, SketchWindow.M1).keySet().stream().noneMatch(i -> i.startsWith("old-")));
    var unique = sketches.unique(VIDEO, 13).sketch().estimate();
    // (a union's estimate depends only on the users in it, not on how the unions were grouped)
    assertEquals(UniqueSketch.union(13, flushedUsers).estimate(), unique, "the stored union is the union of every batch's users");
    assertTrue(unique.lower() <= distinctUsers.size() && distinctUsers.size() <= unique.upper(),
        unique + " must hold " + distinctUsers.size());
    long userWeight = weights(TopBy.USER, SketchWindow.ALL).values().stream().mapToLong(Long::longValue).sum();
    assertTrue(userWeight <= expectedCount, "top users never weigh more than the writes: " + userWeight);
  }

  @Test
  void aKeyedRetryOnAnotherPartitionWeighsItsItemOnce() throws Exception {
    worker("w-1");
    worker("w-2");
    long now = System.currentTimeMillis();
    for (int i = 0; i < 30; i++) {
      KeyedDelta write = new KeyedDelta("tok-" + i, VIDEO, new PnCounter(3, 0), "u-" + i, i % 2 == 0 ? "even" : "odd");
      // the same write reached two edges (a client retry): two batches, two partitions, one token
      send(new DeltaBatch(new BatchId("edge-a", 1, i), now, List.of(), List.of(write)));
      send(new DeltaBatch(new BatchId("edge-b", 1, i), now, List.of(), List.of(write)));
    }
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> store.read(VIDEO).count() == 90 && weights(TopBy.ITEM, SketchWindow.ALL).size() == 2
            && store.appliedOffsets().values().stream().mapToLong(Long::longValue).sum() == 60);
    assertEquals(Map.of("even", 45L, "odd", 45L), weights(TopBy.ITEM, SketchWindow.ALL));
    assertEquals(30, weights(TopBy.USER, SketchWindow.H1).size());
    assertTrue(weights(TopBy.USER, SketchWindow.H1).values().stream().allMatch(w -> w == 3), "each user weighed once");
    assertFalse(sketches.unique(VIDEO, 13).sketch().isEmpty());
    assertEquals(30, sketches.unique(VIDEO, 13).sketch().estimate().estimate());
  }
}
