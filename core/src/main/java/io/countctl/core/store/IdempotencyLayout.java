package io.countctl.core.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;

/**
 * Where idempotency keys live (see {@link RedisKeys}): a key is a 12-byte digest of its scope
 * (counter + token), a field of one of {@link #SHARDS} small hashes of the hour it was first seen,
 * {@code {c}:ik:<hour>:<shard>}. Hashes this small stay in Redis's listpack encoding, where a key
 * costs its field and value bytes plus a few bytes of framing, instead of a whole Redis key each.
 * A bucket expires whole once no lookup can reach it any more.
 *
 * <p>Collisions: the field is SHA-256's bytes 0–11 and the shard comes from bytes 12–13, so two
 * scopes meet only if they agree on 105 bits. With n keys alive at once the chance of any collision
 * is about n²/2^106: at 10 M keyed writes/s kept 24 h (n ≈ 8.6·10^11) that is ~10^-8 per day.
 * A collision would make a never-seen write look like a retry of the other key: refused with 422 (`idempotency_key_reused`)
 * when the two writes' fingerprints differ, not counted when they are equal.
 *
 * @param window how long a key keeps a retry from counting again (at least)
 */
public record IdempotencyLayout(Duration window) {
  /**
   * Shards of one hour's bucket: few enough that a hash's fixed cost (its Redis key, expiry entry)
   * is shared by ~40 keys at 20 000 keyed writes an hour, enough that 65 536 an hour fit Redis's
   * default 128 fields per compact hash (bench/RESULTS.md, "Idempotency keys").
   */
  public static final int SHARDS = 512;
  /** Length of a bucket; a constant so that edges and workers with other windows name the same hashes. */
  public static final long BUCKET_MS = Duration.ofHours(1).toMillis();
  static final int FIELD_BYTES = 12;

  public IdempotencyLayout {
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("idempotency window must be positive: " + window);
    }
  }

  /** How many buckets before the current one a lookup reads: together they cover the window. */
  public long spanBuckets() {
    return (window.toMillis() + BUCKET_MS - 1) / BUCKET_MS;
  }

  /** The bucket (hours since the epoch) a key first seen at {@code millis} is stored in. */
  public static long bucket(long millis) {
    return Math.floorDiv(millis, BUCKET_MS);
  }

  /** A scope's place: its field in the bucket hashes and the shard it belongs to. */
  public static Slot slot(String scope) {
    byte[] h;
    try {
      h = MessageDigest.getInstance("SHA-256").digest(scope.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
    int shard = (((h[FIELD_BYTES] & 0xff) << 8) | (h[FIELD_BYTES + 1] & 0xff)) % SHARDS;
    return new Slot(Arrays.copyOf(h, FIELD_BYTES), shard);
  }

  /** @param field the digest stored as the hash field  @param shard which hash of a bucket */
  public record Slot(byte[] field, int shard) {
    public Slot {
      field = field.clone();
    }

    @Override
    public byte[] field() {
      return field.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Slot s && s.shard == shard && Arrays.equals(s.field, field);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(field) + shard;
    }

    @Override
    public String toString() {
      return "Slot[" + java.util.HexFormat.of().formatHex(field) + ", " + shard + "]";
    }
  }
}
