package io.countctl.api.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * When an edge answers a write: the values of {@code COUNT_ACK_MODE} and of the DistributedCounter's
 * {@code spec.ackMode}. The JSON names are lower case (the CRD's enum); the edge's parser accepts
 * either case.
 */
public enum AckMode {
  /** After the Kafka acknowledgement (acks=all) of the flush that carries the write: a group commit. */
  @JsonProperty("durable")
  DURABLE,
  /** At once; the write is flushed with the next interval (an edge crash may lose that interval). */
  @JsonProperty("buffered")
  BUFFERED;

  /** Default flush interval of the mode, in milliseconds. */
  public long defaultFlushMs() {
    return this == DURABLE ? 5 : 1000;
  }

  /** The value the components read, as the operator writes it. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }
}
