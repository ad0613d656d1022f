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
 *   <li>{@code {c}:hwm-seen:<partition>} hash edge id → when that mark last moved (ms), to drop the
 *       marks of edges gone for longer than the log's retention ({@link MarkAges})
 *   <li>{@code {c}:epoch} the last epoch an edge took at its start ({@link CounterStore#nextEpoch})
 *   <li>{@code {c}:ik:<hour>:<shard>} hash, expiring whole 26 h after its hour starts: the
 *       idempotency keys first seen (or counted) in that hour (hours since the epoch), shard 0–511.
 *       Field: 12 bytes of SHA-256 of the key's scope {@code <id>/<counter>/<token>}; value: {@code r}
 *       (taken by an edge) or {@code c} (counted by a worker), then the first 6 characters of the
 *       fingerprint of the write it was first used for. Small enough to stay listpack-encoded,
 *       ~25 B a key instead of a Redis key each ({@link IdempotencyLayout}, {@code idempotency-keys.lua})
 *   <li>{@code {c}:ik:<id>/<counter>/<token>} hash with a TTL, {@code f} fingerprint, {@code c}
 *       counted: an idempotency key of the previous layout; read, never written, until it expires
 *   <li>{@code {c}:idem:<token>} string with a TTL: a key counted by an earlier version (global,
 *       not per counter); still honoured until it expires
 *   <li>{@code {c}:r:<id>/<counter>} hash region → {@code p:n:t}: other regions' entries of a counter
 *       (this region's own entry is the counter hash above)
 *   <li>{@code {c}:rlog} sorted set counter → sequence of its last change; {@code {c}:rlog:seq} the
 *       sequence (its existence switches the log on); {@code {c}:rlog:floor} highest sequence trimmed
 *       away by the size cap
 *   <li>{@code {c}:peers} hash peer region → newest log sequence that peer acknowledged
 *   <li>{@code {c}:heard} hash region → when that region was last heard from (its clock, ms)
 *   <li>{@code {c}:u:<id>/<counter>} hash {@code p<partition>} → that deltas partition's CPC sketch
 *       of the counter's users, {@code t} → updated-at ms (one field per partition: each partition's
 *       owner is the only writer of its field, so workers never contend)
 *   <li>{@code {c}:f:<by>:<window>:<bucket start>:<id>/<counter>} hash {@code p<partition>} → that
 *       partition's frequent-items sketch of the counter's users or items in one bucket of a window
 *       ({@code all}: bucket 0, kept forever; others expire by themselves), {@code t} as above
 *   <li>{@code {c}:dlq:replayed} hash replay identity (source partition / edge:epoch:seq of a
 *       dead-lettered batch) → when its replay was applied (ms): a replayed dead letter counts once
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

  public String edgeEpoch() {
    return "{" + cluster + "}:epoch";
  }

  /**
   * Prefix of the idempotency keys: the buckets ({@code <hour>:<shard>} follows) and the previous
   * layout's per-counter hashes (a {@code KeyedDelta#scope()} follows, which always holds a
   * {@code /}, so the two never meet).
   */
  public String idempotencyKeyPrefix() {
    return "{" + cluster + "}:ik:";
  }

  /** Prefix of the global keys of earlier versions. */
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

  public String uniquePrefix() {
    return "{" + cluster + "}:u:";
  }

  public String unique(CounterKey key) {
    return uniquePrefix() + key;
  }

  public String top(io.countctl.core.sketch.TopBy by, io.countctl.core.sketch.SketchWindow window, long bucketStart,
      CounterKey key) {
    return "{" + cluster + "}:f:" + by.label() + ":" + window.label() + ":" + bucketStart + ":" + key;
  }

  /** The field of a sketch hash that one deltas partition's owner writes. */
  public static String partitionField(int partition) {
    return "p" + partition;
  }

  /** Replayed dead letters applied so far (see {@code PartitionCommit#replays}). */
  public String replayed() {
    return "{" + cluster + "}:dlq:replayed";
  }

  public String heard() {
    return "{" + cluster + "}:heard";
  }
}
