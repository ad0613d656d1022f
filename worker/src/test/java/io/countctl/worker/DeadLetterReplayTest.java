package io.countctl.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.countctl.core.batch.BatchId;
import io.countctl.core.batch.Delta;
import io.countctl.core.batch.DeltaBatch;
import io.countctl.core.batch.DeltaBatchCodec;
import io.countctl.core.config.Settings;
import io.countctl.core.config.Topics;
import io.countctl.core.dlq.DeadLetterHeaders;
import io.countctl.core.kafka.TopicProvisioner;
import io.countctl.core.key.CounterKey;
import io.countctl.core.store.CounterStore;
import io.countctl.testkit.TestServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The worker's side of dead-letter replay on real Kafka and Redis: a batch the store refused is set
 * aside once however many copies of it the log holds, and a replay of it (records marked
 * {@code count-replay-of}, as {@code countctl dlq replay} sends them) counts once even when its
 * copies sit on every partition and two workers apply them at the same time.
 */
class DeadLetterReplayTest {
  static final int PARTITIONS = 4;
  TestServers servers;
  CounterStore store;
  KafkaProducer<byte[], byte[]> producer;
  final List<Worker> workers = new ArrayList<>();
  String cluster;
  Topics topics;

  @BeforeEach
  void start() {
    servers = TestServers.start();
    cluster = "r" + System.nanoTime() % 100_000;
    topics = new Topics(cluster);
    TopicProvisioner.ensureTopics(servers.kafka().bootstrapServers(), topics, PARTITIONS, (short) 1);
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

  void worker(String id) {
    workers.add(Worker.start(WorkerConfig.from(Settings.of(servers.settings(cluster, Map.of(
        "COUNT_WORKER_ID", id, "COUNT_PARTITIONS", Integer.toString(PARTITIONS)))))));
  }

  void send(ProducerRecord<byte[], byte[]> r) throws Exception {
    producer.send(r).get();
  }

  ProducerRecord<byte[], byte[]> batch(int partition, String edge, long seq, CounterKey key, long p) {
    return new ProducerRecord<>(topics.deltas(), partition, null, DeltaBatchCodec.encode(
        new DeltaBatch(new BatchId(edge, 1, seq), System.currentTimeMillis(), List.of(new Delta(key, p, 0)))));
  }

  void setP(CounterKey key, long p) {
    try (Jedis j = new Jedis(servers.redis().url())) {
      j.hset(store.keys().counter(key), "p", Long.toString(p));
    }
  }

  /** Every record of the DLQ now (assign, beginning to end). */
  List<ConsumerRecord<byte[], byte[]>> deadLetters() {
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
        servers.kafka().bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topics.deltasDlq(), 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
      while (c.position(tp) < end) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      return out;
    }
  }

  @Test
  void aLaterCopyOfADeadLetteredBatchIsADuplicateNotASecondDeadLetter() throws Exception {
    worker("w-1");
    CounterKey full = new CounterKey("full", "likes");
    CounterKey after = new CounterKey("after", "likes");
    setP(full, 9_199_999_999_999_999_000L);
    send(batch(0, "edge-a", 1, full, 5_000));
    send(batch(0, "edge-a", 1, full, 5_000)); // the edge's producer retry that landed twice
    send(batch(0, "edge-a", 2, after, 3));
    await().atMost(Duration.ofSeconds(30)).until(() -> store.read(after).count() == 3);
    List<ConsumerRecord<byte[], byte[]>> letters = deadLetters();
    assertEquals(1, letters.size());
    ConsumerRecord<byte[], byte[]> d = letters.getFirst();
    assertEquals("edge-a", DeadLetterHeaders.text(d.headers(), DeadLetterHeaders.EDGE));
    assertEquals("1:1", DeadLetterHeaders.text(d.headers(), DeadLetterHeaders.BATCH));
    assertEquals("0", DeadLetterHeaders.text(d.headers(), DeadLetterHeaders.ORIGIN_PARTITION));
    assertEquals("0", DeadLetterHeaders.text(d.headers(), DeadLetterHeaders.ORIGIN_OFFSET));
    assertEquals(topics.deltas(), DeadLetterHeaders.text(d.headers(), DeadLetterHeaders.SOURCE_TOPIC));
    assertEquals(true, DeadLetterHeaders.text(d.headers(), DeadLetterHeaders.REASON).startsWith("overflow"));
  }

  @Test
  void oneReplayOnEveryPartitionWithTwoWorkersCountsOnce() throws Exception {
    worker("w-1");
    worker("w-2");
    CounterKey full = new CounterKey("full", "likes");
    setP(full, 9_199_999_999_999_999_000L);
    send(batch(2, "edge-b", 7, full, 5_000));
    await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters().size() == 1);
    ConsumerRecord<byte[], byte[]> letter = deadLetters().getFirst();
    setP(full, 0); // the fix
    for (int p = 0; p < PARTITIONS; p++) { // a replay run four times, each copy on another partition
      ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topics.deltas(), p, null, letter.value());
      r.headers().add(new RecordHeader(DeadLetterHeaders.REPLAY_OF, DeadLetterHeaders.bytes("0:" + letter.offset())));
      r.headers().add(new RecordHeader(DeadLetterHeaders.ORIGIN_PARTITION, DeadLetterHeaders.bytes("2")));
      r.headers().add(new RecordHeader(DeadLetterHeaders.ORIGIN_OFFSET, DeadLetterHeaders.bytes("0")));
      producer.send(r);
    }
    producer.flush();
    await().atMost(Duration.ofSeconds(30)).until(() -> store.appliedOffsets().values().stream().mapToLong(Long::longValue).sum() == 5);
    assertEquals(5_000, store.read(full).count());
    assertEquals(1, store.replayed().size());
    assertEquals(true, store.replayed().containsKey("2/edge-b:1:7"));
    assertEquals(1, deadLetters().size(), "nothing failed again");
  }
}
