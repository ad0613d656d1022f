package io.countctl.core.totals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;
import java.nio.ByteBuffer;
import org.apache.kafka.common.utils.ByteUtils;
import org.junit.jupiter.api.Test;

class TotalChangeCodecTest {
  @Test
  void roundTripsStateAndVersion() {
    TotalChange c = new TotalChange(new CounterKey("post-1", "likes"), new PnCounter(Long.MAX_VALUE, 3), 1_700_000_000_000L, 42);
    assertEquals(c, TotalChangeCodec.decode("post-1/likes", TotalChangeCodec.encodeValue(c)));
  }

  @Test
  void readsFormatOneRecordsWithoutAVersionAsVersionZero() {
    ByteBuffer buf = ByteBuffer.allocate(31);
    buf.put((byte) 1);
    ByteUtils.writeVarlong(9, buf);
    ByteUtils.writeVarlong(2, buf);
    ByteUtils.writeVarlong(5, buf);
    byte[] v1 = new byte[buf.position()];
    buf.flip().get(v1);
    TotalChange c = TotalChangeCodec.decode("a/b", v1);
    assertEquals(7, c.count());
    assertEquals(0, c.version());
  }

  @Test
  void refusesUnknownFormats() {
    assertThrows(IllegalArgumentException.class, () -> TotalChangeCodec.decode("a/b", new byte[] {9, 0, 0, 0}));
  }
}
