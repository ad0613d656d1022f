package io.countctl.core.batch;

/**
 * Identifies a flushed batch: the edge that sent it, that edge's epoch (taken from the store on
 * every start of the edge, always larger than the last, so sequence numbers can restart at zero)
 * and the sequence number within the epoch. Sequence numbers count per partition: a record keeps
 * its partition and number when it is sent again ({@link EdgeMark} keeps what was applied).
 */
public record BatchId(String edgeId, long epoch, long seq) implements Comparable<BatchId> {

  /** Orders batches of the same edge: by epoch, then sequence. */
  @Override
  public int compareTo(BatchId o) {
    int c = Long.compare(epoch, o.epoch);
    return c != 0 ? c : Long.compare(seq, o.seq);
  }

}
