package io.countctl.core.batch;

import java.util.Arrays;

/**
 * What a partition has applied of one edge's batches: the edge's newest epoch seen there, the
 * highest sequence number applied in it, and the numbers below that which have not arrived yet.
 * Kept in Redis as {@code epoch:max} or {@code epoch:max:m1,m2,…} (missing numbers ascending).
 *
 * <p>An edge numbers its records per partition and sends a record that failed again to the same
 * partition, so a record can arrive after a later one of its partition (the first attempt failed,
 * the later one did not). A bare high-water mark would drop it as a duplicate; this window applies
 * it, once: a number counts if it is above {@code max} or among the missing ones. Missing numbers
 * come only from failed sends, so the list stays short; an older epoch counts as applied (one
 * process per edge id at a time).
 */
public record EdgeMark(long epoch, long max, long[] missing) {
  /** At most this many missing numbers are remembered; the lowest ones beyond it count as applied. */
  public static final int MAX_MISSING = 10_000;

  public EdgeMark {
    missing = missing.clone();
  }

  /** The mark of a batch applied with nothing missing below it (also the old {@code epoch:seq} form). */
  public static EdgeMark of(BatchId id) {
    return new EdgeMark(id.epoch(), id.seq(), new long[0]);
  }

  /** Whether this batch was applied already. */
  public boolean contains(BatchId id) {
    if (id.epoch() != epoch) {
      return id.epoch() < epoch;
    }
    return id.seq() <= max && Arrays.binarySearch(missing, id.seq()) < 0;
  }

  /** The mark once {@code id} (not {@link #contains contained}) is applied too. */
  public EdgeMark with(BatchId id) {
    if (id.epoch() > epoch) {
      // A new epoch numbers from 0: everything below the first batch seen is still to come.
      return new EdgeMark(id.epoch(), -1, new long[0]).with(id);
    }
    if (id.seq() <= max) {
      int at = Arrays.binarySearch(missing, id.seq());
      if (at < 0) {
        return this;
      }
      long[] rest = new long[missing.length - 1];
      System.arraycopy(missing, 0, rest, 0, at);
      System.arraycopy(missing, at + 1, rest, at, rest.length - at);
      return new EdgeMark(epoch, max, rest);
    }
    long gap = id.seq() - max - 1;
    int keep = (int) Math.min(MAX_MISSING, missing.length + gap);
    long[] next = new long[keep];
    int from = keep - (int) Math.min(gap, keep); // the newest missing numbers are kept
    int old = Math.min(missing.length, from);
    System.arraycopy(missing, missing.length - old, next, 0, old);
    for (int i = from; i < keep; i++) {
      next[i] = id.seq() - (keep - i);
    }
    return new EdgeMark(epoch, id.seq(), next);
  }

  /** The stored form, {@code epoch:max[:m1,m2,…]}. */
  public String encode() {
    if (missing.length == 0) {
      return epoch + ":" + max;
    }
    StringBuilder s = new StringBuilder(24 + 8 * missing.length).append(epoch).append(':').append(max).append(':');
    for (int i = 0; i < missing.length; i++) {
      s.append(i == 0 ? "" : ",").append(missing[i]);
    }
    return s.toString();
  }

  /** Parses {@link #encode()}'s form, and the old {@code epoch:seq} high-water mark. */
  public static EdgeMark parse(String s) {
    String[] parts = s.split(":", 3);
    long[] missing = new long[0];
    if (parts.length == 3 && !parts[2].isEmpty()) {
      String[] m = parts[2].split(",");
      missing = new long[m.length];
      for (int i = 0; i < m.length; i++) {
        missing[i] = Long.parseLong(m[i]);
      }
      Arrays.sort(missing);
    }
    return new EdgeMark(Long.parseLong(parts[0]), Long.parseLong(parts[1]), missing);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EdgeMark m && m.epoch == epoch && m.max == max && Arrays.equals(m.missing, missing);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(epoch) * 31 + Long.hashCode(max) * 17 + Arrays.hashCode(missing);
  }

  @Override
  public String toString() {
    return encode();
  }
}
