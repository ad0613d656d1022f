package io.countctl.core.batch;

/**
 * Identifies a flushed batch: the edge that sent it, that edge's epoch (changes on every start of
 * the edge, so sequence numbers can restart at zero) and the sequence number within the epoch.
 */
public record BatchId(String edgeId, long epoch, long seq) implements Comparable<BatchId> {

  /** Orders batches of the same edge: by epoch, then sequence. */
  @Override
  public int compareTo(BatchId o) {
    int c = Long.compare(epoch, o.epoch);
    return c != 0 ? c : Long.compare(seq, o.seq);
  }

  /** The {@code epoch:seq} form kept in Redis as an edge's high-water mark. */
  public String mark() {
    return epoch + ":" + seq;
  }

  /** Parses a high-water mark written by {@link #mark()}. */
  public static BatchId fromMark(String edgeId, String mark) {
    int colon = mark.indexOf(':');
    return new BatchId(edgeId, Long.parseLong(mark.substring(0, colon)), Long.parseLong(mark.substring(colon + 1)));
  }
}
