package io.countctl.worker.reduce;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Sends records that cannot be applied to {@code <cluster>.deltas.dlq} with the reason and source
 * in headers, and waits for Kafka to have them before the commit that moves past them: a poison
 * record is never silently dropped.
 */
final class DeadLetters {
  static final String REASON = "count.reason";
  static final String SOURCE_PARTITION = "count.source.partition";
  static final String SOURCE_OFFSET = "count.source.offset";

  private final Producer<byte[], byte[]> producer;
  private final String topic;

  DeadLetters(Producer<byte[], byte[]> producer, String topic) {
    this.producer = producer;
    this.topic = topic;
  }

  void send(List<PartitionReducer.Poison> poison) {
    List<Future<RecordMetadata>> sent = poison.stream().map(p -> {
      ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, p.record().key(), p.record().value());
      r.headers().add(new RecordHeader(REASON, p.reason().getBytes(StandardCharsets.UTF_8)));
      r.headers().add(new RecordHeader(SOURCE_PARTITION, Integer.toString(p.record().partition()).getBytes(StandardCharsets.UTF_8)));
      r.headers().add(new RecordHeader(SOURCE_OFFSET, Long.toString(p.record().offset()).getBytes(StandardCharsets.UTF_8)));
      return producer.send(r);
    }).toList();
    for (Future<RecordMetadata> f : sent) {
      try {
        f.get(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while writing to the dead-letter topic", e);
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException("dead-letter topic write failed", e);
      }
    }
  }
}
