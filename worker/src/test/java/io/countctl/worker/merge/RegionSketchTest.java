package io.countctl.worker.merge;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.countctl.core.batch.BatchId;
import io.countctl.core.batch.Delta;
import io.countctl.core.batch.DeltaBatch;
import io.countctl.core.batch.DeltaBatchCodec;
import io.countctl.core.config.Settings;
import io.countctl.core.config.Topics;
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
import io.countctl.testkit.FreePorts;
import io.countctl.testkit.KafkaTestCluster;
import io.countctl.testkit.RedisTestServer;
import io.countctl.worker.Worker;
import io.countctl.worker.WorkerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two regions, each with its own Redis, worker and region-merge role: the global unique count is
 * the union of the regions' users (a user seen in both counts once), the global top-K the sum of
 * the regions' weights, and shipping the same sketches again changes nothing.
 */
class RegionSketchTest {
  static final CounterKey VIDEO = new CounterKey("video-9", "views");
  final List<AutoCloseable> open = new ArrayList<>();
  final List<byte[]> allUsers = new ArrayList<>();
  final Map<String, Long> allItems = new HashMap<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  <T extends AutoCloseable> T track(T c) {
    open.add(c);
    return c;
  }

  record Region(String name, String cluster, RedisTestServer redis, CounterStore store, SketchStore sketches) {}

  Region region(String name, KafkaTestCluster kafka, int mergePort, String peers) {
    String cluster = "rs-" + name;
    RedisTestServer redis = track(RedisTestServer.start());
    TopicProvisioner.ensureTopics(kafka.bootstrapServers(), new Topics(cluster), 2, (short) 1);
    Map<String, String> s = new HashMap<>(Map.of(Settings.CLUSTER, cluster, Settings.REGION, name,
        Settings.KAFKA_BOOTSTRAP, kafka.bootstrapServers(), Settings.REDIS_URL, redis.url().toString(),
        Settings.HTTP_PORT, "0", "COUNT_PARTITIONS", "2", "COUNT_FANOUT", "false", "COUNT_WORKER_ID", "w-" + name));
    track(Worker.start(WorkerConfig.from(Settings.of(s))));
    s.remove(Settings.KAFKA_BOOTSTRAP);
    s.putAll(Map.of("COUNT_ROLE", "region-merge", "COUNT_MERGE_PORT", Integer.toString(mergePort), Settings.PEERS, peers,
        "COUNT_PEER_SECRET", "between-regions", "COUNT_MERGE_INTERVAL_MS", "20", "COUNT_MERGE_HEARTBEAT_MS", "200"));
    s.remove("COUNT_WORKER_ID");
    s.remove("COUNT_FANOUT");
    track(RegionMerger.start(RegionMergeConfig.from(Settings.of(s))));
    CounterStore store = track(new CounterStore(redis.url(), cluster, 2));
    return new Region(name, cluster, redis, store, new SketchStore(store));
  }

  void write(KafkaProducer<byte[], byte[]> producer, Region r, int fromUser, int toUser, String item) throws Exception {
    int seq = 0;
    for (int first = fromUser; first < toUser; first += 500) {
      SketchAccumulator acc = new SketchAccumulator(SketchSettings.DEFAULTS);
      int n = Math.min(500, toUser - first);
      for (int u = first; u < first + n; u++) {
        acc.add(VIDEO, "u-" + u, item, 1);
      }
      allItems.merge(item, (long) n, Long::sum);
      var deltas = acc.drain();
      deltas.forEach(d -> allUsers.add(d.unique()));
      DeltaBatch b = new DeltaBatch(new BatchId("edge-" + r.name(), 1, seq++), System.currentTimeMillis(),
          List.of(new Delta(VIDEO, n, 0)), List.of(), deltas);
      producer.send(new ProducerRecord<>(new Topics(r.cluster()).deltas(), seq % 2, null, DeltaBatchCodec.encode(b))).get();
    }
  }

  static Map<String, Long> items(Region r, SketchWindow w, boolean regionOnly) {
    return r.sketches().top(VIDEO, TopBy.ITEM, w, System.currentTimeMillis(), 128, regionOnly).sketch().top(10).stream()
        .collect(Collectors.toMap(TopEntry::value, TopEntry::estimate));
  }

  @Test
  void globalSketchesAreTheUnionOfTheRegions() throws Exception {
    KafkaTestCluster kafka = track(KafkaTestCluster.start());
    int euPort = FreePorts.next();
    int usPort = FreePorts.next();
    Region eu = region("eu", kafka, euPort, "us=http://127.0.0.1:" + usPort);
    Region us = region("us", kafka, usPort, "eu=http://127.0.0.1:" + euPort);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
      write(producer, eu, 0, 3_000, "fr");     // users 0..2999
      write(producer, us, 2_000, 5_000, "en"); // users 2000..4999: 1000 seen in both regions
    }
    var expected = UniqueSketch.union(13, allUsers).estimate();
    for (Region r : List.of(eu, us)) {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
        assertEquals(expected, r.sketches().unique(VIDEO, 13).sketch().estimate(), r.name() + ": global unique");
        assertEquals(allItems, items(r, SketchWindow.ALL, false), r.name() + ": global top items");
        assertEquals(allItems, items(r, SketchWindow.H1, false), r.name() + ": global top items in the hour");
      });
    }
    assertEquals(Map.of("fr", 3_000L), items(eu, SketchWindow.ALL, true), "scope=region: only eu's own");
    assertEquals(3_000, eu.sketches().unique(VIDEO, 13, true).sketch().estimate().estimate(), 60);

    // The same sketches shipped again (a retried shipment) change nothing.
    var again = eu.sketches().regionSketches(List.of(VIDEO), SketchSettings.DEFAULTS, System.currentTimeMillis());
    us.sketches().mergeRemote("eu", again, SketchSettings.DEFAULTS);
    us.sketches().mergeRemote("eu", again, SketchSettings.DEFAULTS);
    assertEquals(expected, us.sketches().unique(VIDEO, 13).sketch().estimate());
    assertEquals(allItems, items(us, SketchWindow.ALL, false));
  }
}
