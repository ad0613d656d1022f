package io.countctl.core.config;

/** When an edge answers a write. */
public enum AckMode {
  /** After the Kafka acknowledgement (acks=all) of the flush that carries the write: a group commit. */
  DURABLE,
  /** At once; the write is flushed with the next interval (an edge crash may lose that interval). */
  BUFFERED;

  /** Default flush interval of the mode, in milliseconds. */
  public long defaultFlushMs() {
    return this == DURABLE ? 5 : 1000;
  }
}
