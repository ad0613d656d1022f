package io.countctl.edge.live;

import io.countctl.core.kafka.KeyPartitions;
import io.countctl.core.key.CounterKey;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.concurrent.ExecutorService;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the workers which counters this edge has watchers for, on {@code <cluster>.subscriptions}.
 * The Kafka key is {@code <counter>|<frontend>} so compaction keeps one record per (counter,
 * frontend) and an unsubscribe is a tombstone; the partition is the one Kafka's default
 * partitioner gives the counter alone, so subscriptions sit with the counter's totals.
 */
public final class SubscriptionPublisher {
  private static final Logger log = LoggerFactory.getLogger(SubscriptionPublisher.class);

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final String frontendUrl;
  private final ExecutorService blocking;
  private volatile int partitions;

  public SubscriptionPublisher(Producer<byte[], byte[]> producer, String topic, String frontendUrl, ExecutorService blocking) {
    this.producer = producer;
    this.topic = topic;
    this.frontendUrl = frontendUrl;
    this.blocking = blocking;
  }

  public String frontendUrl() {
    return frontendUrl;
  }

  void subscribe(CounterKey key) {
    blocking.execute(() -> send(key, true));
  }

  void unsubscribe(CounterKey key) {
    blocking.execute(() -> send(key, false));
  }

  /** Sends every subscription again (after a worker died: its successor must learn them). */
  void subscribeAll(Collection<CounterKey> keys) {
    blocking.execute(() -> keys.forEach(k -> send(k, true)));
  }

  private void send(CounterKey key, boolean subscribe) {
    try {
      if (partitions == 0) {
        partitions = producer.partitionsFor(topic).size(); // blocking metadata: off the event loop
      }
      byte[] recordKey = (key + "|" + frontendUrl).getBytes(StandardCharsets.UTF_8);
      byte[] value = subscribe
          ? new JsonObject().put("counter", key.toString()).put("frontend", frontendUrl).encode().getBytes(StandardCharsets.UTF_8)
          : null;
      producer.send(new ProducerRecord<>(topic, KeyPartitions.partitionOf(key, partitions), recordKey, value), (m, e) -> {
        if (e != null) {
          log.warn("subscription {} for {} not published: {}", subscribe ? "add" : "removal", key, e.toString());
        }
      });
    } catch (RuntimeException e) {
      log.warn("subscription {} for {} not published: {}", subscribe ? "add" : "removal", key, e.toString());
    }
  }
}
