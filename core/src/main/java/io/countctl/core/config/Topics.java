package io.countctl.core.config;

/** Kafka topic names of one cluster (a DistributedCounter): all prefixed by the cluster name. */
public record Topics(String cluster) {
  /** Flushed edge batches, spread round-robin over partitions. */
  public String deltas() {
    return cluster + ".deltas";
  }

  /** Records that could not be applied, with the reason in a header. */
  public String deltasDlq() {
    return cluster + ".deltas.dlq";
  }

  /** "Changed" records, keyed by counter. */
  public String totals() {
    return cluster + ".totals";
  }

  /** Live-update subscriptions, keyed by counter, co-partitioned with totals. */
  public String subscriptions() {
    return cluster + ".subscriptions";
  }
}
