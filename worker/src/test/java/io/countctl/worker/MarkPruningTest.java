package io.countctl.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.batch.BatchId;
import io.countctl.core.batch.EdgeMark;
import io.countctl.core.batch.Delta;
import io.countctl.core.batch.DeltaBatch;
import io.countctl.core.batch.DeltaBatchCodec;
import io.countctl.core.config.Settings;
import io.countctl.core.config.Topics;
import io.countctl.core.kafka.TopicProvisioner;
import io.countctl.core.key.CounterKey;
import io.countctl.core.store.CounterStore;
import io.countctl.core.store.MarkAges;
import io.countctl.testkit.KafkaTestCluster;
import io.countctl.testkit.RedisTestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * High-water marks of edges silent for longer than the log's retention are dropped on assignment;
 * recent ones (and ones never stamped) are kept, so a late copy of a recent edge's batch is still
 * skipped.
 */
class MarkPruningTest {
  @Test
  void marksOlderThanRetentionAreDroppedAndRecentOnesStillDeduplicate() throws Exception {
    String cluster = "marks";
    Topics topics = new Topics(cluster);
    CounterKey key = new CounterKey("m", "likes");
    long now = System.currentTimeMillis();
    try (KafkaTestCluster kafka = KafkaTestCluster.start(); RedisTestServer redis = RedisTestServer.start();
         CounterStore store = new CounterStore(redis.url(), cluster, 2);
         KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
             ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
             new ByteArraySerializer(), new ByteArraySerializer())) {
      TopicProvisioner.ensureTopics(kafka.bootstrapServers(), topics, 1, (short) 1);
      MarkAges ages = new MarkAges(store);
      try (Jedis j = new Jedis(redis.url())) {
        j.hset(store.keys().offsets(), "0", "0"); // an applied partition, at the log's start
        j.hset(store.keys().highWaterMarks(0), Map.of("gone-edge", "1:5", "recent-edge", "1:7", "old-style-edge", "1:3"));
        j.hset(ages.key(0), Map.of(
            "gone-edge", Long.toString(now - Duration.ofHours(49).toMillis()),
            "recent-edge", Long.toString(now - Duration.ofHours(47).toMillis())));
      }
      try (Worker worker = Worker.start(WorkerConfig.from(Settings.of(Map.of(
          Settings.CLUSTER, cluster,
          Settings.KAFKA_BOOTSTRAP, kafka.bootstrapServers(),
          Settings.REDIS_URL, redis.url().toString(),
          Settings.HTTP_PORT, "0",
          "COUNT_WORKER_ID", "w-marks",
          "COUNT_PARTITIONS", "1",
          "COUNT_FANOUT", "false",
          "COUNT_MARK_RETENTION_H", "48"))))) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
            .until(() -> !store.highWaterMarks(0).containsKey("gone-edge"));
        Map<String, EdgeMark> marks = store.highWaterMarks(0);
        assertEquals(Map.of("recent-edge", EdgeMark.parse("1:7"), "old-style-edge", EdgeMark.parse("1:3")),
            marks, "only the mark older than the retention is dropped");
        Map<String, Long> seen = ages.seen(0);
        assertFalse(seen.containsKey("gone-edge"), "its stamp goes with it");
        assertTrue(seen.get("old-style-edge") >= now, "a mark written before stamps existed is stamped, not dropped");

        // Dedup still holds for the kept marks: a late copy of recent-edge's batch 7 is skipped.
        send(producer, topics, new DeltaBatch(new BatchId("recent-edge", 1, 7), now, List.of(new Delta(key, 100, 0))));
        send(producer, topics, new DeltaBatch(new BatchId("old-style-edge", 1, 2), now, List.of(new Delta(key, 100, 0))));
        send(producer, topics, new DeltaBatch(new BatchId("recent-edge", 1, 8), now, List.of(new Delta(key, 1, 0))));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
            .until(() -> store.appliedOffset(0).orElse(0) == 3);
        assertEquals(1, store.read(key).count(), "the copies at or below the kept marks were skipped");
        assertTrue(ages.seen(0).get("recent-edge") >= now, "a mark that moves is stamped again");
      }
    }
  }

  static void send(KafkaProducer<byte[], byte[]> producer, Topics topics, DeltaBatch b) throws Exception {
    producer.send(new ProducerRecord<>(topics.deltas(), 0, null, DeltaBatchCodec.encode(b))).get();
  }
}
