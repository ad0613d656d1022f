package io.countctl.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** When an edge answers a write; the values of {@code COUNT_ACK_MODE}. */
public enum AckMode {
  /** Once Kafka has the write (group commit every few milliseconds). */
  @JsonProperty("durable")
  DURABLE,
  /** At once; flushed every second, lost if the edge dies first. */
  @JsonProperty("buffered")
  BUFFERED;

  /** The value the components read. */
  public String value() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
