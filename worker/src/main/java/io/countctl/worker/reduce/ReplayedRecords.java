package io.countctl.worker.reduce;

import io.countctl.core.batch.BatchId;
import io.countctl.core.batch.DeltaBatchCodec;
import io.countctl.core.batch.MalformedBatchException;
import io.countctl.core.dlq.DeadLetterHeaders;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Replays of dead letters ({@code countctl dlq replay}) on {@code <cluster>.deltas}: records
 * carrying {@link DeadLetterHeaders#REPLAY_OF}. The edge's sequence marks cannot tell whether such
 * a batch was applied (later batches of its edge moved the mark past it, and the worker marks a
 * dead-lettered batch as handled so copies of it in the log do not count either), so a replay is
 * deduplicated by its own identity instead: the partition the batch was first read from and its
 * batch id. That identity is the same for every replay of it and every re-dead-lettered copy, so
 * Redis records it once ({@code {c}:dlq:replayed}, written in the apply script's atomic step).
 */
final class ReplayedRecords {
  private ReplayedRecords() {}

  static boolean isReplay(ConsumerRecord<byte[], byte[]> r) {
    return r.headers().lastHeader(DeadLetterHeaders.REPLAY_OF) != null;
  }

  /** The replay's identity, {@code <origin partition>/<edge>:<epoch>:<seq>}. */
  static String identity(ConsumerRecord<byte[], byte[]> r, BatchId id) {
    String origin = DeadLetterHeaders.text(r.headers(), DeadLetterHeaders.ORIGIN_PARTITION);
    if (origin == null) {
      origin = DeadLetterHeaders.text(r.headers(), DeadLetterHeaders.SOURCE_PARTITION);
    }
    if (origin == null) {
      origin = "dlq-" + DeadLetterHeaders.text(r.headers(), DeadLetterHeaders.REPLAY_OF);
    }
    return origin + "/" + id.edgeId() + ":" + id.epoch() + ":" + id.seq();
  }

  /** Identities of the decodable replays among these records (none on the normal path: no decoding then). */
  static Set<String> identities(List<ConsumerRecord<byte[], byte[]>> records) {
    Set<String> out = new LinkedHashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      if (isReplay(r)) {
        try {
          out.add(identity(r, DeltaBatchCodec.decode(r.value()).id()));
        } catch (MalformedBatchException e) {
          // dead-lettered again by the reducer
        }
      }
    }
    return out;
  }
}
