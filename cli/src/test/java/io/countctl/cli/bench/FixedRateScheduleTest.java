package io.countctl.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * The {@code --rate} schedule and its coordinated-omission correction, driven by a fake clock:
 * a simulated connection whose answers take what the test says, no real time involved.
 */
class FixedRateScheduleTest {
  private static final long MS = 1_000_000;

  @Test
  void aConnectionThatAnswersInTimeSendsOnEverySlotOfTheGrid() {
    Pacer pacer = new Pacer(10 * MS, 5 * MS);
    List<Long> sends = new ArrayList<>();
    long now = 0;
    for (int i = 0; i < 4; i++) {
      long at = pacer.sendAt(now);
      sends.add(at);
      now = at + 2 * MS; // answered after 2 ms, within the 5 ms interval
    }
    assertEquals(List.of(10 * MS, 15 * MS, 20 * MS, 25 * MS), sends);
    assertEquals(0, pacer.missed());
    assertEquals(4, pacer.sent());
  }

  @Test
  void aLateAnswerSendsAtOnceAndMissesTheSlotsThatWhollyPassedKeepingThePhase() {
    Pacer pacer = new Pacer(0, 10 * MS);
    assertEquals(0, pacer.sendAt(0));
    // The answer took 37 ms: slots 10, 20 and 30 ms passed; 10 and 20 are missed, 30 is served late.
    assertEquals(37 * MS, pacer.sendAt(37 * MS));
    assertEquals(2, pacer.missed());
    // The grid keeps its phase: the next slot is 40 ms, not 47 ms, and it is not sent in a burst.
    assertEquals(40 * MS, pacer.sendAt(38 * MS));
    assertEquals(50 * MS, pacer.sendAt(41 * MS));
    assertEquals(2, pacer.missed());
  }

  @Test
  void lateByLessThanOneIntervalMissesNothing() {
    Pacer pacer = new Pacer(0, 10 * MS);
    pacer.sendAt(0);
    assertEquals(19 * MS, pacer.sendAt(19 * MS));
    assertEquals(0, pacer.missed());
    assertEquals(20 * MS, pacer.sendAt(19 * MS + 1));
  }

  @Test
  void aZeroIntervalIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Pacer(0, 0));
  }

  @Test
  void oneStallIsCorrectedIntoTheRequestsTheScheduleWouldHaveSentMeanwhile() {
    // wrk2's example in small: 1 ms per answer, at one request per 10 ms, and one 1 s stall.
    Latencies latencies = new Latencies(10_000);
    Pacer pacer = new Pacer(0, 10 * MS);
    long now = 0;
    for (int i = 0; i < 200; i++) {
      long at = pacer.sendAt(now);
      long took = i == 100 ? 1_000 * MS : MS;
      latencies.record(took / 1_000);
      now = at + took;
    }
    Histogram uncorrected = latencies.uncorrectedInterval(null);
    Histogram corrected = latencies.correctedInterval(null);
    assertEquals(200, uncorrected.getTotalCount());
    assertEquals(1_000, uncorrected.getValueAtPercentile(99), 1); // one slow answer in 200: the p99 hides it
    // The stall held 99 of the schedule's slots; the correction adds them at 990, 980, … 10 ms.
    assertEquals(99, pacer.missed());
    assertEquals(200 + 99, corrected.getTotalCount());
    // 199 answers of 1 ms, then 10, 20, … 1 000 ms: the p90 (the 270th of 299) is the 71st of those.
    assertEquals(1_000, corrected.getValueAtPercentile(50), 1);
    assertEquals(710_000, corrected.getValueAtPercentile(90), 1_000);
    assertEquals(1_000_000, corrected.getMaxValue(), 1_000);
  }

  @Test
  void withoutAScheduleBothHistogramsAreTheSame() {
    Latencies latencies = new Latencies(0);
    latencies.record(1_000_000);
    latencies.record(0); // recorded as 1 µs: a histogram holds no zero-length answer
    Histogram corrected = latencies.correctedInterval(null);
    assertEquals(2, corrected.getTotalCount());
    assertEquals(latencies.uncorrectedInterval(null), corrected);
  }
}
