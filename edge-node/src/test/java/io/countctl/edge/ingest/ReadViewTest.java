package io.countctl.edge.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.batch.KeyedDelta;
import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;
import io.countctl.core.store.StoredCounter;
import io.countctl.edge.read.CountView;
import io.countctl.edge.read.TotalsCache;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The edge's read view from its parts (issue 15 item 9): the two ways a read went wrong under load,
 * each made to happen deterministically, and the floor that keeps answers from going back. In the
 * ingest package to build the table and the in-flight list the way the flusher does.
 */
class ReadViewTest {
  static final CounterKey KEY = new CounterKey("post-1", "likes");

  final EdgeAggregator aggregator = new EdgeAggregator();
  final InFlightBatches inFlight = new InFlightBatches(TimeUnit.SECONDS.toNanos(1));
  final AtomicLong move = new AtomicLong();
  final ExecutorService waiter = Executors.newVirtualThreadPerTaskExecutor();
  final CountView view = new CountView(aggregator, inFlight, move::get, waiter, 100);

  @AfterEach
  void stop() {
    waiter.shutdownNow();
  }

  /** A snapshot holding {@code stored} increments at {@code version}, taken now. */
  TotalsCache.Entry snapshot(long stored, long version, Map<Integer, Long> offsets) {
    long now = System.nanoTime();
    return new TotalsCache.Entry(new StoredCounter(new PnCounter(stored, 0), 1, version), offsets, now, now, inFlight.added());
  }

  @Test
  void aReadDuringALongMoveWaitsForItInsteadOfAnsweringTheStoredTotalAlone() throws Exception {
    aggregator.add(KEY, true, 5);
    TotalsCache.Entry entry = snapshot(10, 7, Map.of());
    move.set(1); // a flush is moving deltas (odd), for longer than any spin
    var read = view.seen(KEY, entry);
    Thread.sleep(100); // the move lasting, not a wait for a condition
    assertFalse(read.isDone(), "no answer while the move lasts");
    move.set(2);
    assertEquals(15, read.get(10, TimeUnit.SECONDS).count(), "stored 10 + pending 5, not the stored total alone");
  }

  @Test
  void aBatchKafkaHasNotAcknowledgedIsNotCountedAgainWhenTheSnapshotMayHoldIt() throws Exception {
    FlushedBatch sent = new FlushedBatch(Map.of(KEY, new PnCounter(3, 0)), List.of());
    inFlight.add(sent); // sent; the worker applied it before the producer's callback ran
    TotalsCache.Entry holdsIt = snapshot(13, 8, Map.of(0, 5L));
    assertEquals(13, view.seen(KEY, holdsIt).get().count(), "13, not 13 + 3");
    sent.acknowledged(0, 4); // offset 4 < next offset 5: the snapshot holds it
    assertEquals(13, view.seen(KEY, holdsIt).get().count());

    FlushedBatch later = new FlushedBatch(Map.of(KEY, new PnCounter(2, 0)), List.of());
    inFlight.add(later); // added after the snapshot returned: it cannot be in it
    assertEquals(15, view.seen(KEY, holdsIt).get().count());
    later.acknowledged(1, 9);
    assertEquals(15, view.seen(KEY, holdsIt).get().count(), "acknowledged past the snapshot's offsets");
  }

  @Test
  void answersNeverGoBelowWhatWasAnsweredAndFollowTheStoreWhenItLostItsData() throws Exception {
    aggregator.add(KEY, true, 4);
    TotalsCache.Entry first = snapshot(10, 7, Map.of());
    assertEquals(14, view.served(KEY, new TotalsCache.Read(first, false)).get().count());

    // The flush moves the 4 into a batch Kafka has not acknowledged, and a new snapshot returns
    // before the acknowledgement: the view leaves the batch out, briefly short.
    FlushGeneration sealed = aggregator.seal();
    EdgeAggregator.Drained drained = aggregator.drain(sealed);
    inFlight.add(new FlushedBatch(drained.deltas(), List.of()));
    TotalsCache.Entry second = snapshot(10, 7, Map.of());
    assertEquals(10, view.seen(KEY, second).get().count(), "the raw view is short while the batch is uncertain");
    CountView.Seen served = view.served(KEY, new TotalsCache.Read(second, false)).get();
    assertEquals(14, served.count(), "but no answer is lower than one given before");
    assertTrue(served.hasLocal());
    assertFalse(served.stale());

    CountView.Seen stale = view.served(KEY, new TotalsCache.Read(second, true)).get();
    assertEquals(14, stale.count());
    assertTrue(stale.stale(), "an answer from the last total read says so");

    // Redis lost its data: a fresh read at a lower version starts the floor over.
    TotalsCache.Entry lost = snapshot(2, 1, Map.of());
    assertEquals(2, view.served(KEY, new TotalsCache.Read(lost, false)).get().count());
  }

  @Test
  void aKeyedWriteThatMayBeARetryIsSentButNotShown() throws Exception {
    KeyedDelta write = new KeyedDelta("order-7", KEY, new PnCounter(2, 0));
    TotalsCache.Entry entry = snapshot(0, 1, Map.of());
    FlushedBatch both = new FlushedBatch(Map.of(), List.of(new KeyedWrite(write, true), new KeyedWrite(write, false)));
    inFlight.add(both); // the first attempt and its retry, flushed after the snapshot
    assertEquals(List.of(write, write), both.keyed, "both go to Kafka: the worker counts the token once");
    assertEquals(2, view.served(KEY, new TotalsCache.Read(entry, false)).get().count(), "2, not 4");
  }
}
