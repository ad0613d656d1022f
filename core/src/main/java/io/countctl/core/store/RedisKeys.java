package io.countctl.core.store;

import io.countctl.core.key.CounterKey;

/**
 * Where a cluster's state lives in Redis. Every key carries the hash tag {@code {cluster}} so the
 * apply script's keys share one slot; the platform expects one Redis primary per region.
 *
 * <ul>
 *   <li>{@code {c}:c:<id>/<counter>} hash {@code p}, {@code n}, {@code t} (updated-at ms): a counter
 *   <li>{@code {c}:offsets} hash partition → next offset of {@code <c>.deltas} to read
 *   <li>{@code {c}:hwm:<partition>} hash edge id → {@code epoch:seq} of the newest batch applied
 *   <li>{@code {c}:idem:<token>} string with a TTL: an idempotency key already counted
 * </ul>
 */
public record RedisKeys(String cluster) {
  public String counterPrefix() {
    return "{" + cluster + "}:c:";
  }

  public String counter(CounterKey key) {
    return counterPrefix() + key;
  }

  public String offsets() {
    return "{" + cluster + "}:offsets";
  }

  public String idempotencyPrefix() {
    return "{" + cluster + "}:idem:";
  }

  public String highWaterMarks(int partition) {
    return "{" + cluster + "}:hwm:" + partition;
  }
}
