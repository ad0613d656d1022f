package io.countctl.cli.dlq;

import io.countctl.core.batch.DeltaBatch;
import io.countctl.core.batch.DeltaBatchCodec;
import io.countctl.core.dlq.DeadLetterHeaders;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One record of {@code <cluster>.deltas.dlq} as {@code countctl dlq} shows it.
 *
 * @param time when the worker set it aside (its header, else the record's timestamp)
 * @param origin where the batch was first read, {@code <partition>:<offset>} of the deltas topic
 * @param replayOf the dead letter a failed replay of it replayed, or null
 * @param edge the edge that flushed it, null when it cannot be decoded
 * @param counters counters the batch touches (0 when it cannot be decoded)
 * @param operations increments and decrements it carries
 */
record DeadLetter(String topic, int partition, long offset, Instant time, String reason, String source, String origin,
    String replayOf, String edge, String batch, int counters, long operations, int bytes) {

  static DeadLetter of(ConsumerRecord<byte[], byte[]> r) {
    var h = r.headers();
    String at = DeadLetterHeaders.text(h, DeadLetterHeaders.TIME);
    Instant time = Instant.ofEpochMilli(at != null ? Long.parseLong(at) : r.timestamp());
    String edge = DeadLetterHeaders.text(h, DeadLetterHeaders.EDGE);
    String batch = DeadLetterHeaders.text(h, DeadLetterHeaders.BATCH);
    int counters = 0;
    long operations = 0;
    try {
      DeltaBatch b = DeltaBatchCodec.decode(r.value());
      edge = b.id().edgeId();
      batch = b.id().epoch() + ":" + b.id().seq();
      counters = b.deltas().size() + b.keyed().size();
      operations = b.operations();
    } catch (RuntimeException e) { // MalformedBatchException, or a record with no value
      // undecodable: headers say what is known
    }
    String sourcePartition = DeadLetterHeaders.text(h, DeadLetterHeaders.SOURCE_PARTITION);
    String source = sourcePartition == null ? null : sourcePartition + ":" + DeadLetterHeaders.text(h, DeadLetterHeaders.SOURCE_OFFSET);
    String originPartition = DeadLetterHeaders.text(h, DeadLetterHeaders.ORIGIN_PARTITION);
    String origin = originPartition == null ? source : originPartition + ":" + DeadLetterHeaders.text(h, DeadLetterHeaders.ORIGIN_OFFSET);
    String reason = DeadLetterHeaders.text(h, DeadLetterHeaders.REASON);
    return new DeadLetter(r.topic(), r.partition(), r.offset(), time, reason == null ? "" : reason, source, origin,
        DeadLetterHeaders.text(h, DeadLetterHeaders.REPLAY_OF), edge, batch, counters, operations,
        r.value() == null ? 0 : r.value().length);
  }

  /** {@code <partition>:<offset>} in the DLQ: what a replay names in {@code count-replay-of}. */
  String position() {
    return partition + ":" + offset;
  }

  /** The fields for -o json|yaml, in a stable order. */
  Map<String, Object> fields() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("topic", topic);
    m.put("partition", partition);
    m.put("offset", offset);
    m.put("time", time.toString());
    m.put("reason", reason);
    m.put("source", source);
    m.put("origin", origin);
    m.put("replayOf", replayOf);
    m.put("edge", edge);
    m.put("batch", batch);
    m.put("counters", counters);
    m.put("operations", operations);
    m.put("bytes", bytes);
    return m;
  }
}
