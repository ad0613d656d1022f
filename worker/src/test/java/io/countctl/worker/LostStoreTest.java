package io.countctl.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.batch.BatchId;
import io.countctl.core.batch.Delta;
import io.countctl.core.batch.DeltaBatch;
import io.countctl.core.batch.DeltaBatchCodec;
import io.countctl.core.config.Settings;
import io.countctl.core.config.Topics;
import io.countctl.core.kafka.TopicProvisioner;
import io.countctl.core.key.CounterKey;
import io.countctl.core.store.CounterStore;
import io.countctl.testkit.KafkaTestCluster;
import io.countctl.testkit.RedisTestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A Redis that lost everything while retention already deleted the start of the log: replaying
 * what is left would undercount without a word, so the worker refuses the partition, says so, and
 * applies it once an operator accepted the loss (the recovery docs/guarantees.md describes).
 */
class LostStoreTest {
  static final HttpClient HTTP = HttpClient.newHttpClient();

  static HttpResponse<String> get(Worker w, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + w.httpPort() + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aPartitionWhoseStartRetentionDeletedIsRefusedUntilTheLossIsAccepted() throws Exception {
    String cluster = "gap";
    Topics topics = new Topics(cluster);
    CounterKey key = new CounterKey("gap", "likes");
    try (KafkaTestCluster kafka = KafkaTestCluster.start(); RedisTestServer redis = RedisTestServer.start();
         CounterStore store = new CounterStore(redis.url(), cluster, 2);
         KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
             ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
             new ByteArraySerializer(), new ByteArraySerializer())) {
      TopicProvisioner.ensureTopics(kafka.bootstrapServers(), topics, 1, (short) 1);
      for (int seq = 1; seq <= 3; seq++) {
        DeltaBatch b = new DeltaBatch(new BatchId("edge-g", 1, seq), 1, List.of(new Delta(key, 1, 0)));
        producer.send(new ProducerRecord<>(topics.deltas(), 0, null, DeltaBatchCodec.encode(b))).get();
      }
      TopicPartition tp = new TopicPartition(topics.deltas(), 0);
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        // What retention does to old segments: offsets 0 and 1 are gone.
        admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(2))).all().get(30, TimeUnit.SECONDS);
      }
      Map<String, String> settings = Map.of(
          Settings.CLUSTER, cluster,
          Settings.KAFKA_BOOTSTRAP, kafka.bootstrapServers(),
          Settings.REDIS_URL, redis.url().toString(),
          Settings.HTTP_PORT, "0",
          "COUNT_WORKER_ID", "w-gap",
          "COUNT_PARTITIONS", "1",
          "COUNT_FANOUT", "false");

      try (Worker worker = Worker.start(WorkerConfig.from(Settings.of(settings)))) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
            .until(() -> get(worker, "/readyz").statusCode() == 503 && get(worker, "/readyz").body().contains("refused"));
        String ready = get(worker, "/readyz").body();
        assertTrue(ready.contains("partition 0") && ready.contains("starts at offset 2"), ready);
        String metrics = get(worker, "/metrics").body();
        assertTrue(metrics.matches("(?s).*\\ncount_worker_log_gap_partitions\\{[^}]*\\} 1\\.0\\n.*"), metrics);
        // Refused means nothing of it is applied, not now and not a moment later.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200))
            .until(() -> store.read(key).count() == 0 && store.appliedOffsets().isEmpty());
      }

      // The operator accepts the loss (records 0 and 1 are gone for good) and restarts the worker.
      try (Jedis j = new Jedis(redis.url())) {
        j.hset(store.keys().offsets(), "0", "2");
      }
      try (Worker worker = Worker.start(WorkerConfig.from(Settings.of(settings)))) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
            .untilAsserted(() -> assertEquals(1, store.read(key).count(), "only the record retention kept"));
        await().atMost(Duration.ofSeconds(30)).until(() -> get(worker, "/readyz").statusCode() == 200);
        String metrics = get(worker, "/metrics").body();
        assertTrue(metrics.matches("(?s).*\\ncount_worker_log_gap_partitions\\{[^}]*\\} 0\\.0\\n.*"), metrics);
      }
    }
  }
}
