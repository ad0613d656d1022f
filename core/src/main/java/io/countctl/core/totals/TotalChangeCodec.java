package io.countctl.core.totals;

import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;
import java.nio.ByteBuffer;
import org.apache.kafka.common.utils.ByteUtils;

/**
 * Value format of a totals record: version byte, then p, n and updatedAt as varlongs. The key
 * (the Kafka record key) carries the counter, so partitioning by key co-locates a counter's
 * totals with its subscriptions.
 */
public final class TotalChangeCodec {
  private static final byte VERSION = 1;

  private TotalChangeCodec() {}

  public static byte[] encodeValue(TotalChange change) {
    ByteBuffer buf = ByteBuffer.allocate(1 + 3 * 10);
    buf.put(VERSION);
    ByteUtils.writeVarlong(change.state().p(), buf);
    ByteUtils.writeVarlong(change.state().n(), buf);
    ByteUtils.writeVarlong(change.updatedAtMillis(), buf);
    byte[] out = new byte[buf.position()];
    buf.flip().get(out);
    return out;
  }

  public static TotalChange decode(String key, byte[] value) {
    ByteBuffer buf = ByteBuffer.wrap(value);
    if (buf.get() != VERSION) {
      throw new IllegalArgumentException("unsupported totals record version");
    }
    PnCounter state = new PnCounter(ByteUtils.readVarlong(buf), ByteUtils.readVarlong(buf));
    return new TotalChange(CounterKey.parse(key), state, ByteUtils.readVarlong(buf));
  }
}
