package io.countctl.core.dlq;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Headers of the records on {@code <cluster>.deltas.dlq} (written by the worker) and of the
 * replays {@code countctl dlq replay} sends back to {@code <cluster>.deltas}. Shared so the CLI
 * reads what the worker writes.
 */
public final class DeadLetterHeaders {
  private DeadLetterHeaders() {}

  /** Why the record was set aside ({@code malformed: …}, {@code overflow: …}). */
  public static final String REASON = "count.reason";
  /** Where the worker read the record it set aside (a replay's copy when it failed again). */
  public static final String SOURCE_TOPIC = "count.source.topic";
  public static final String SOURCE_PARTITION = "count.source.partition";
  public static final String SOURCE_OFFSET = "count.source.offset";
  /** When the edge's record was written to the source topic (ms, the record's timestamp). */
  public static final String SOURCE_TIME = "count.source.time";
  /** Where the batch was first read from {@code <cluster>.deltas}: the same across replays. */
  public static final String ORIGIN_PARTITION = "count.origin.partition";
  public static final String ORIGIN_OFFSET = "count.origin.offset";
  /** The edge that flushed the batch (absent when it could not be decoded). */
  public static final String EDGE = "count.edge";
  /** The batch id {@code epoch:seq} (absent when it could not be decoded). */
  public static final String BATCH = "count.batch";
  /** When the worker set it aside (ms). */
  public static final String TIME = "count.time";
  /**
   * On a record of {@code <cluster>.deltas}: it replays the dead letter at {@code <dlq
   * partition>:<offset>}; the worker applies it once, whatever the edge's marks say.
   */
  public static final String REPLAY_OF = "count-replay-of";

  /** A header's value as text, or null when absent. */
  public static String text(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  public static byte[] bytes(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
