package io.countctl.core.kafka;

import io.countctl.core.key.CounterKey;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The partition Kafka's default partitioner gives a counter's key (murmur2 of the key bytes),
 * for records whose Kafka key carries more than the counter but must land with it: a
 * subscription keyed {@code counter|frontend} goes where the counter's totals go.
 */
public final class KeyPartitions {
  private KeyPartitions() {}

  public static int partitionOf(CounterKey key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.toString().getBytes(StandardCharsets.UTF_8))) % partitions;
  }
}
