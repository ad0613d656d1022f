package io.countctl.edge.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.api.config.AckMode;
import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;
import io.countctl.core.sketch.SketchSettings;
import io.countctl.edge.http.BadRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/batch} is all or nothing (#15 item 3): an entry refused midway leaves nothing added. */
class BatchAllOrNothingTest {
  @Test
  void aBatchWhoseLastEntryWouldOverflowAddsNoneOfItsEntries() {
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    EdgeAggregator aggregator = new EdgeAggregator();
    // Never started and never sending: only its (idle) stall clock is read by admission.
    DeltaFlusher flusher = new DeltaFlusher(aggregator, new InFlightBatches(0), null, "t", "e", 1, Duration.ofHours(1),
        Duration.ofSeconds(30), SketchSettings.DEFAULTS, metrics);
    WritePath writes = new WritePath(aggregator, new Admission(aggregator, flusher, 1_000, Duration.ofSeconds(30)),
        AckMode.BUFFERED, metrics);
    CounterKey a = new CounterKey("post-a", "likes");
    CounterKey b = new CounterKey("post-b", "likes");
    CounterKey full = new CounterKey("post-full", "likes");
    aggregator.add(full, true, Long.MAX_VALUE - 5); // a pending delta a few writes short of 2^63
    FlushGeneration gen = aggregator.current();

    // A batch with a keyed entry is refused through its future (after the key check), else at once.
    BadRequest refused = refusal(() -> writes.writeAll(List.of(
        write(a, true, 3, null), write(b, false, 2, null), write(a, true, 1, "key-1"), write(full, true, 10, null))));
    assertEquals(409, refused.status());
    assertEquals("overflow", refused.code());
    assertEquals(PnCounter.ZERO, aggregator.pending(a), "an entry before the refused one was taken back");
    assertEquals(PnCounter.ZERO, aggregator.pending(b));
    assertEquals(new PnCounter(Long.MAX_VALUE - 5, 0), aggregator.pending(full));
    assertTrue(gen.keyed().isEmpty(), "the batch's keyed entry was not queued either");

    // The same entries without the overflowing one are all taken.
    writes.writeAll(List.of(write(a, true, 3, null), write(b, false, 2, null), write(a, true, 1, "key-1")));
    assertEquals(new PnCounter(3, 0), aggregator.pending(a));
    assertEquals(new PnCounter(0, 2), aggregator.pending(b));
    assertEquals(1, aggregator.current().keyed().size());
  }

  private static BadRequest refusal(java.util.function.Supplier<java.util.concurrent.CompletableFuture<Void>> call) {
    java.util.concurrent.CompletableFuture<Void> done;
    try {
      done = call.get();
    } catch (BadRequest e) {
      return e;
    }
    java.util.concurrent.CompletionException e = assertThrows(java.util.concurrent.CompletionException.class, done::join);
    return assertInstanceOf(BadRequest.class, e.getCause());
  }

  private static WriteRequest write(CounterKey key, boolean increment, long by, String token) {
    return new WriteRequest(key, increment, by, token, null, null);
  }
}
