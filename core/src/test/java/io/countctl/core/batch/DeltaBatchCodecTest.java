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
  void sketchesAndKeyedUsersTravelInVersionThree() {
    CounterKey video = new CounterKey("video-9", "views");
    io.countctl.core.sketch.SketchAccumulator acc =
        new io.countctl.core.sketch.SketchAccumulator(io.countctl.core.sketch.SketchSettings.DEFAULTS);
    acc.add(video, "u-1", "fr", 2);
    acc.add(video, "u-2", null, 1);
    acc.add(new CounterKey("post-1", "likes"), null, "de", 5);
    DeltaBatch batch = new DeltaBatch(new BatchId("e", 1, 2), 3,
        List.of(new Delta(video, 3, 0), new Delta(new CounterKey("post-1", "likes"), 5, 0)),
        List.of(new KeyedDelta("t-1", video, new io.countctl.core.counter.PnCounter(1, 0), "u-3", "ja"),
            new KeyedDelta("t-2", video, new io.countctl.core.counter.PnCounter(0, 1))),
        acc.drain());
    byte[] bytes = DeltaBatchCodec.encode(batch);
    assertEquals(DeltaBatchCodec.VERSION_SKETCHES, bytes[1]);
    DeltaBatch back = DeltaBatchCodec.decode(bytes);
    assertEquals(batch.deltas(), back.deltas());
    assertEquals(batch.keyed(), back.keyed());
    assertEquals(batch.sketches().size(), back.sketches().size());
    for (int i = 0; i < batch.sketches().size(); i++) {
      var a = batch.sketches().get(i);
      var b = back.sketches().get(i);
      assertEquals(a.key(), b.key());
      assertTrue(Arrays.equals(a.unique(), b.unique()) && Arrays.equals(a.topUsers(), b.topUsers())
          && Arrays.equals(a.topItems(), b.topItems()), "sketch bytes of " + a.key());
    }
    var likes = back.sketches().stream().filter(d -> d.key().counter().equals("likes")).findFirst().orElseThrow();
    assertEquals(null, likes.unique(), "no user: no unique sketch");
    assertEquals(5, io.countctl.core.sketch.TopItems.fromBytes(likes.topItems()).top(1).getFirst().estimate());
    // a truncated sketch section is refused, not half read
    assertThrows(MalformedBatchException.class, () -> DeltaBatchCodec.decode(Arrays.copyOf(bytes, bytes.length - 3)));
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
