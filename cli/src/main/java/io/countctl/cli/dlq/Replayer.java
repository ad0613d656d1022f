package io.countctl.cli.dlq;

import io.countctl.core.dlq.DeadLetterHeaders;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends dead letters back to {@code <cluster>.deltas}, each marked {@code count-replay-of} and
 * carrying where its batch was first read ({@code count.origin.*}): the worker's apply counts a
 * replayed batch once by that origin and the batch id, recorded in Redis in the same atomic step
 * as its sums, so sending twice (a second replay, a retry after this tool crashed) changes
 * nothing. The tool itself needs no state and no Redis.
 */
final class Replayer {
  private Replayer() {}

  /**
   * One dead letter per origin: a replay that failed again is set aside again with the same
   * origin, and sending both is harmless (the worker applies the batch once) but pointless.
   */
  static List<ConsumerRecord<byte[], byte[]>> onePerBatch(List<ConsumerRecord<byte[], byte[]>> letters) {
    Map<String, ConsumerRecord<byte[], byte[]>> byOrigin = new LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : letters) {
      String origin = DeadLetter.of(r).origin();
      byOrigin.putIfAbsent(origin == null ? "dlq:" + r.partition() + ":" + r.offset() : origin, r);
    }
    return new ArrayList<>(byOrigin.values());
  }

  static void send(String bootstrap, String deltas, List<ConsumerRecord<byte[], byte[]>> letters) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 45_000);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r : letters) {
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(deltas, null, r.key(), r.value());
        DeadLetter d = DeadLetter.of(r);
        out.headers().add(new RecordHeader(DeadLetterHeaders.REPLAY_OF, DeadLetterHeaders.bytes(d.position())));
        if (d.origin() != null) {
          String[] at = d.origin().split(":", 2);
          out.headers().add(new RecordHeader(DeadLetterHeaders.ORIGIN_PARTITION, DeadLetterHeaders.bytes(at[0])));
          out.headers().add(new RecordHeader(DeadLetterHeaders.ORIGIN_OFFSET, DeadLetterHeaders.bytes(at[1])));
        }
        sent.add(producer.send(out));
      }
      for (Future<RecordMetadata> f : sent) {
        f.get(60, TimeUnit.SECONDS);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new DlqException("replay to " + deltas + " at " + bootstrap + " failed (safe to run again: what was applied is not"
          + " applied twice): " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DlqException("interrupted while replaying");
    }
  }
}
