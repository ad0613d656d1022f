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
import io.countctl.core.totals.TotalChange;
import io.countctl.core.totals.TotalChangeCodec;
import io.countctl.testkit.TestServers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Workers on real Kafka and Redis, fed batches the way edges send them (round-robin over
 * partitions). Every test ends by comparing Redis with the sums of what was produced.
 */
class WorkerReduceTest {
  static final int PARTITIONS = 4;
  TestServers servers;
  CounterStore store;
  KafkaProducer<byte[], byte[]> producer;
  final List<Worker> workers = new ArrayList<>();
  final Map<CounterKey, Long> expected = new HashMap<>();
  final AtomicInteger nextPartition = new AtomicInteger();
  String cluster;

  @BeforeEach
  void start() {
    servers = TestServers.start();
    cluster = "w" + System.nanoTime() % 100_000;
    TopicProvisioner.ensureTopics(servers.kafka().bootstrapServers(), new Topics(cluster), PARTITIONS, (short) 1);
    store = new CounterStore(servers.redis().url(), cluster, 2);
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
        "COUNT_MAX_POLL_RECORDS", "50")))));
    workers.add(w);
    return w;
  }

  /** Produces {@code n} batches of one edge over ~1000 counters, one hot, round-robin over partitions. */
  void produce(String edge, long epoch, int firstSeq, int n, SplittableRandom rnd) throws Exception {
    for (int i = 0; i < n; i++) {
      List<Delta> deltas = new ArrayList<>();
      for (int j = 0; j < 10; j++) {
        CounterKey key = j < 5 ? new CounterKey("hot", "likes") : new CounterKey("post-" + rnd.nextInt(1000), "likes");
        long p = rnd.nextInt(5);
        long nn = rnd.nextInt(3);
        if (deltas.stream().anyMatch(d -> d.key().equals(key)) || p + nn == 0) {
          continue;
        }
        deltas.add(new Delta(key, p, nn));
        expected.merge(key, p - nn, Long::sum);
      }
      send(new DeltaBatch(new BatchId(edge, epoch, firstSeq + i), System.currentTimeMillis(), deltas),
          nextPartition.getAndIncrement() % PARTITIONS);
    }
    producer.flush();
  }

  void send(DeltaBatch b, int partition) throws Exception {
    producer.send(new ProducerRecord<>(new Topics(cluster).deltas(), partition, null, DeltaBatchCodec.encode(b))).get();
  }

  void awaitExact() {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      for (Map.Entry<CounterKey, Long> e : expected.entrySet()) {
        assertEquals(e.getValue(), store.read(e.getKey()).count(), "count of " + e.getKey());
      }
    });
  }

  @Test
  void twoWorkersReduceEveryBatchExactlyOnce() throws Exception {
    worker("w-1");
    worker("w-2");
    produce("edge-a", 1, 0, 1_000, new SplittableRandom(1));
    produce("edge-b", 7, 0, 1_000, new SplittableRandom(2));
    awaitExact();
  }

  @Test
  void aCrashedWorkerAndARebalanceLoseAndDuplicateNothing() throws Exception {
    Worker first = worker("w-1");
    SplittableRandom rnd = new SplittableRandom(3);
    produce("edge-a", 1, 0, 500, rnd);
    await().atMost(Duration.ofSeconds(30)).until(() -> store.appliedOffsets().values().stream().mapToLong(Long::longValue).sum() > 50);
    first.crash(); // mid-stream: applies nothing more, commits nothing more
    workers.remove(first);
    produce("edge-a", 1, 500, 500, rnd);
    worker("w-2");
    Worker third = worker("w-3"); // a third joins: a rebalance while records flow
    produce("edge-a", 1, 1_000, 300, rnd);
    await().atMost(Duration.ofSeconds(30)).until(() -> !third.ownedPartitions().isEmpty());
    third.close(); // ...and leaves: another rebalance
    workers.remove(third);
    produce("edge-a", 1, 1_300, 200, rnd);
    awaitExact();
  }

  @Test
  void aBatchDeliveredTwiceCountsOnce() throws Exception {
    worker("w-1");
    CounterKey key = new CounterKey("dup", "likes");
    DeltaBatch b1 = new DeltaBatch(new BatchId("edge-d", 5, 1), 1, List.of(new Delta(key, 3, 0)));
    DeltaBatch b2 = new DeltaBatch(new BatchId("edge-d", 5, 2), 1, List.of(new Delta(key, 4, 0)));
    send(b1, 0);
    send(b1, 0); // a producer retry that landed twice
    send(b2, 0);
    send(b1, 0); // and a late copy after a newer batch
    expected.put(key, 7L);
    awaitExact();
  }

  @Test
  void aPoisonRecordGoesToTheDeadLetterTopicAndThePartitionGoesOn() throws Exception {
    worker("w-1");
    CounterKey key = new CounterKey("after-poison", "likes");
    producer.send(new ProducerRecord<>(new Topics(cluster).deltas(), 1, null, "not a batch".getBytes(StandardCharsets.UTF_8))).get();
    send(new DeltaBatch(new BatchId("edge-p", 1, 1), 1, List.of(new Delta(key, 2, 0))), 1);
    expected.put(key, 2L);
    awaitExact();
    try (KafkaConsumer<byte[], byte[]> c = consumer()) {
      c.subscribe(List.of(new Topics(cluster).deltasDlq()));
      ConsumerRecord<byte[], byte[]> dead = pollOne(c);
      assertEquals("not a batch", new String(dead.value(), StandardCharsets.UTF_8));
      String reason = new String(dead.headers().lastHeader("count.reason").value(), StandardCharsets.UTF_8);
      assertTrue(reason.startsWith("malformed"), reason);
      assertEquals("1", new String(dead.headers().lastHeader("count.source.partition").value(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void eachCommitPublishesTheNewTotalKeyedByCounter() throws Exception {
    worker("w-1");
    CounterKey key = new CounterKey("totals", "views");
    send(new DeltaBatch(new BatchId("edge-t", 1, 1), 1, List.of(new Delta(key, 9, 2))), 2);
    try (KafkaConsumer<byte[], byte[]> c = consumer()) {
      c.subscribe(List.of(new Topics(cluster).totals()));
      ConsumerRecord<byte[], byte[]> r = pollOne(c);
      TotalChange change = TotalChangeCodec.decode(new String(r.key(), StandardCharsets.UTF_8), r.value());
      assertEquals(key, change.key());
      assertEquals(7, change.count());
      assertEquals(1, change.version(), "the counter's first change: version 1, bumped with the value in Redis");
      assertEquals(1, store.read(key).version());
    }
  }

  KafkaConsumer<byte[], byte[]> consumer() {
    return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers.kafka().bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "check-" + System.nanoTime(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  static ConsumerRecord<byte[], byte[]> pollOne(KafkaConsumer<byte[], byte[]> c) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
        return r;
      }
    }
    throw new AssertionError("no record within 30 s");
  }
}
