package io.countctl.worker.reduce;

import io.countctl.core.batch.DeltaBatch;
import io.countctl.core.batch.DeltaBatchCodec;
import io.countctl.core.batch.MalformedBatchException;
import io.countctl.core.dlq.DeadLetterHeaders;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Sends records that cannot be applied to {@code <cluster>.deltas.dlq} with the reason and source
 * in headers ({@link DeadLetterHeaders}), and waits for Kafka to have them before the commit that
 * moves past them: a poison record is never silently dropped. A replay that fails again keeps its
 * origin and {@code count-replay-of}, so {@code countctl dlq} shows it as the same batch.
 */
final class DeadLetters {
  private final Producer<byte[], byte[]> producer;
  private final String topic;

  DeadLetters(Producer<byte[], byte[]> producer, String topic) {
    this.producer = producer;
    this.topic = topic;
  }

  void send(List<PartitionReducer.Poison> poison) {
    long now = System.currentTimeMillis();
    List<Future<RecordMetadata>> sent = poison.stream().map(p -> producer.send(letter(p, now))).toList();
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

  private ProducerRecord<byte[], byte[]> letter(PartitionReducer.Poison p, long now) {
    ConsumerRecord<byte[], byte[]> in = p.record();
    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, in.key(), in.value());
    Headers h = r.headers();
    add(h, DeadLetterHeaders.REASON, p.reason());
    add(h, DeadLetterHeaders.SOURCE_TOPIC, in.topic());
    add(h, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(in.partition()));
    add(h, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(in.offset()));
    add(h, DeadLetterHeaders.SOURCE_TIME, Long.toString(in.timestamp()));
    String originPartition = DeadLetterHeaders.text(in.headers(), DeadLetterHeaders.ORIGIN_PARTITION);
    String originOffset = DeadLetterHeaders.text(in.headers(), DeadLetterHeaders.ORIGIN_OFFSET);
    add(h, DeadLetterHeaders.ORIGIN_PARTITION, originPartition != null ? originPartition : Integer.toString(in.partition()));
    add(h, DeadLetterHeaders.ORIGIN_OFFSET, originOffset != null ? originOffset : Long.toString(in.offset()));
    String replayOf = DeadLetterHeaders.text(in.headers(), DeadLetterHeaders.REPLAY_OF);
    if (replayOf != null) {
      add(h, DeadLetterHeaders.REPLAY_OF, replayOf);
    }
    try {
      DeltaBatch b = DeltaBatchCodec.decode(in.value());
      add(h, DeadLetterHeaders.EDGE, b.id().edgeId());
      add(h, DeadLetterHeaders.BATCH, b.id().epoch() + ":" + b.id().seq());
    } catch (MalformedBatchException e) {
      // no edge to name: the reason says why
    }
    add(h, DeadLetterHeaders.TIME, Long.toString(now));
    return r;
  }

  private static void add(Headers h, String name, String value) {
    h.add(new RecordHeader(name, DeadLetterHeaders.bytes(value)));
  }
}
