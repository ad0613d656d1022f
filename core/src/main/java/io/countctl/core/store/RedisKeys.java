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
 *   <li>{@code {c}:r:<id>/<counter>} hash region → {@code p:n:t}: other regions' entries of a counter
 *       (this region's own entry is the counter hash above)
 *   <li>{@code {c}:rlog} sorted set counter → sequence of its last change; {@code {c}:rlog:seq} the
 *       sequence (its existence switches the log on); {@code {c}:rlog:floor} highest sequence trimmed
 *       away by the size cap
 *   <li>{@code {c}:peers} hash peer region → newest log sequence that peer acknowledged
 *   <li>{@code {c}:heard} hash region → when that region was last heard from (its clock, ms)
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

  public String remotePrefix() {
    return "{" + cluster + "}:r:";
  }

  public String remote(CounterKey key) {
    return remotePrefix() + key;
  }

  public String changeLog() {
    return "{" + cluster + "}:rlog";
  }

  public String changeSeq() {
    return "{" + cluster + "}:rlog:seq";
  }

  public String changeFloor() {
    return "{" + cluster + "}:rlog:floor";
  }

  public String peerAcks() {
    return "{" + cluster + "}:peers";
  }

  public String heard() {
    return "{" + cluster + "}:heard";
  }
}
