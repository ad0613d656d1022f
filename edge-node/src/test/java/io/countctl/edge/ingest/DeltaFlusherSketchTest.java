package io.countctl.edge.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.batch.DeltaBatch;
import io.countctl.core.batch.DeltaBatchCodec;
import io.countctl.core.config.Topics;
import io.countctl.core.kafka.TopicProvisioner;
import io.countctl.core.key.CounterKey;
import io.countctl.core.sketch.SketchAccumulator;
import io.countctl.core.sketch.SketchDelta;
import io.countctl.core.sketch.SketchSettings;
import io.countctl.core.sketch.TopEntry;
import io.countctl.core.sketch.TopItems;
import io.countctl.core.sketch.UniqueSketch;
import io.countctl.testkit.KafkaTestCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A flush whose sketches exceed one record's size: they are split over records by part, each part
 * sent exactly once, every record within Kafka's limit.
 */
class DeltaFlusherSketchTest {
  @Test
  void oversizedSketchesTravelAsPartsOverSeveralRecordsOnce() throws Exception {
    SketchSettings settings = SketchSettings.parse("big:topk=1000");
    Topics topics = new Topics("split");
    try (KafkaTestCluster kafka = KafkaTestCluster.start()) {
      TopicProvisioner.ensureTopics(kafka.bootstrapServers(), topics, 2, (short) 1);
      EdgeAggregator aggregator = new EdgeAggregator();
      try (var producer = new KafkaProducer<byte[], byte[]>(Map.of(
              ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
              ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
        DeltaFlusher flusher = new DeltaFlusher(aggregator, new InFlightBatches(0), producer, topics.deltas(), "edge-t", 1,
            Duration.ofHours(1), Duration.ofSeconds(30), settings, new SimpleMeterRegistry());
        CounterKey key = new CounterKey("post-1", "big");
        int n = 3000; // below the sketch's 0.75 · 4096 capacity: every weight is exact
        for (int i = 0; i < n; i++) {
          String pad = "x".repeat(200);
          aggregator.addSketched(key, 1 + i % 3, "user-" + i + pad, "item-" + i + pad);
        }
        FlushGeneration gen = aggregator.current();
        flusher.flushOnce(); // not started: this is the only flush
        gen.durable().get(20, TimeUnit.SECONDS); // every record of the flush acknowledged

        List<DeltaBatch> batches = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "split-test",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
          c.subscribe(List.of(topics.deltas()));
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
          long weight = 0;
          SketchAccumulator merged = new SketchAccumulator(settings);
          while (System.nanoTime() < deadline && weight < expectedWeight(n)) {
            for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(100))) {
              DeltaBatch b = DeltaBatchCodec.decode(rec.value());
              batches.add(b);
              sizes.add(rec.value().length);
              for (SketchDelta d : b.sketches()) {
                if (d.topItems() != null) {
                  weight += TopItems.fromBytes(d.topItems()).weight();
                }
                merged.add(d);
              }
            }
          }
          assertTrue(batches.size() >= 2, "split over records: " + sizes);
          assertTrue(sizes.stream().allMatch(s -> s < 1_000_000), "every record under 1 MB: " + sizes);
          assertEquals(expectedWeight(n), weight, "each part once");
          long units = batches.stream().mapToLong(b -> b.sketches().stream()
              .mapToLong(d -> (d.unique() != null ? 1 : 0) + (d.topUsers() != null ? 1 : 0) + (d.topItems() != null ? 1 : 0)).sum()).sum();
          assertEquals(3, units, "unique, top users and top items, once each");
          SketchDelta all = merged.drain().getFirst();
          long unique = UniqueSketch.fromBytes(all.unique()).estimate().estimate();
          assertTrue(Math.abs(unique - n) < 150, "unique " + unique);
          List<TopEntry> top = TopItems.fromBytes(all.topUsers()).top(1000);
          assertEquals(1000, top.size());
          assertEquals(3, top.getFirst().estimate());
          assertEquals(top.getFirst().estimate(), top.getFirst().lower(), "exact below capacity");
          long counted = batches.stream().mapToLong(b -> b.deltas().stream().mapToLong(d -> d.change().p()).sum()).sum();
          assertEquals(expectedWeight(n), counted, "the counts travel too");
        }
      }
    }
  }

  private static long expectedWeight(int n) {
    long w = 0;
    for (int i = 0; i < n; i++) {
      w += 1 + i % 3;
    }
    return w;
  }
}
