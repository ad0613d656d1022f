package io.countctl.core.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.key.CounterKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeltaBatchCodecTest {

  @Test
  void roundTripKeepsEveryField() {
    DeltaBatch batch = new DeltaBatch(new BatchId("edge-7", 1_732_000_000_000L, 42), 1_732_000_000_123L, List.of(
        new Delta(new CounterKey("post-1", "likes"), 5, 2),
        new Delta(new CounterKey("post-2", "likes"), 0, 1),
        new Delta(new CounterKey("vidéo-3", "views"), Long.MAX_VALUE, 0)));
    assertEquals(batch, DeltaBatchCodec.decode(DeltaBatchCodec.encode(batch)));
  }

  @Test
  void keyedWritesTravelInVersionTwo() {
    DeltaBatch batch = new DeltaBatch(new BatchId("e", 1, 2), 3,
        List.of(new Delta(new CounterKey("a", "likes"), 1, 0)),
        List.of(new KeyedDelta("retry-7f3a", new CounterKey("b", "views"), new io.countctl.core.counter.PnCounter(0, 4))));
    byte[] bytes = DeltaBatchCodec.encode(batch);
    assertEquals(DeltaBatchCodec.VERSION_KEYED, bytes[1]);
    assertEquals(batch, DeltaBatchCodec.decode(bytes));
    assertEquals(DeltaBatchCodec.VERSION, DeltaBatchCodec.encode(new DeltaBatch(batch.id(), 3, batch.deltas()))[1]);
  }

  @Test
  void sharedCounterNamesAreWrittenOnce() {
    List<Delta> deltas = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      deltas.add(new Delta(new CounterKey("p" + i, "a-rather-long-counter-name"), 1, 0));
    }
    byte[] bytes = DeltaBatchCodec.encode(new DeltaBatch(new BatchId("e", 1, 1), 1, deltas));
    // ~1000 x (index + id + p + n) -- far below 1000 x the 26-byte name
    assertTrue(bytes.length < 10_000, "batch is " + bytes.length + " bytes");
  }

  @Test
  void refusesGarbage() {
    assertThrows(MalformedBatchException.class, () -> DeltaBatchCodec.decode(new byte[] {1, 2, 3}));
    assertThrows(MalformedBatchException.class, () -> DeltaBatchCodec.decode(new byte[] {'C', 9}));
    byte[] good = DeltaBatchCodec.encode(new DeltaBatch(new BatchId("e", 1, 1), 1,
        List.of(new Delta(new CounterKey("a", "b"), 1, 0))));
    assertThrows(MalformedBatchException.class, () -> DeltaBatchCodec.decode(Arrays.copyOf(good, good.length - 2)));
    byte[] longer = Arrays.copyOf(good, good.length + 1);
    assertThrows(MalformedBatchException.class, () -> DeltaBatchCodec.decode(longer));
  }
}
