package io.countctl.core.totals;

import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;
import java.nio.ByteBuffer;
import org.apache.kafka.common.utils.ByteUtils;

/**
 * Value format of a totals record: format byte, then p, n, updatedAt and (format 2) the counter's
 * version, as varlongs. Format 1 records (no version) still decode, with version 0. The key (the
 * Kafka record key) carries the counter, so partitioning by key co-locates a counter's totals with
 * its subscriptions.
 */
public final class TotalChangeCodec {
  private static final byte V1 = 1;
  private static final byte V2 = 2;

  private TotalChangeCodec() {}

  public static byte[] encodeValue(TotalChange change) {
    ByteBuffer buf = ByteBuffer.allocate(1 + 4 * 10);
    buf.put(V2);
    ByteUtils.writeVarlong(change.state().p(), buf);
    ByteUtils.writeVarlong(change.state().n(), buf);
    ByteUtils.writeVarlong(change.updatedAtMillis(), buf);
    ByteUtils.writeVarlong(change.version(), buf);
    byte[] out = new byte[buf.position()];
    buf.flip().get(out);
    return out;
  }

  public static TotalChange decode(String key, byte[] value) {
    ByteBuffer buf = ByteBuffer.wrap(value);
    byte format = buf.get();
    if (format != V1 && format != V2) {
      throw new IllegalArgumentException("unsupported totals record version");
    }
    PnCounter state = new PnCounter(ByteUtils.readVarlong(buf), ByteUtils.readVarlong(buf));
    long updatedAt = ByteUtils.readVarlong(buf);
    long version = format == V2 ? ByteUtils.readVarlong(buf) : 0;
    return new TotalChange(CounterKey.parse(key), state, updatedAt, version);
  }
}
