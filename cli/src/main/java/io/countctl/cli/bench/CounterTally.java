package io.countctl.cli.bench;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the load generator knows about one counter: the net value of acknowledged writes, and
 * the increments and decrements whose outcome is unknown (an error after sending: they may or
 * may not be counted).
 */
final class CounterTally {
  final LongAdder ackedNet = new LongAdder();
  final LongAdder uncertainUp = new LongAdder();
  final LongAdder uncertainDown = new LongAdder();

  void acked(boolean increment, long by) {
    ackedNet.add(increment ? by : -by);
  }

  void uncertain(boolean increment, long by) {
    (increment ? uncertainUp : uncertainDown).add(by);
  }

  /** Units missing from {@code counted}: below the least it may be. */
  long lost(long counted) {
    return Math.max(0, ackedNet.sum() - uncertainDown.sum() - counted);
  }

  /** Units counted twice: above the most it may be. */
  long duplicated(long counted) {
    return Math.max(0, counted - ackedNet.sum() - uncertainUp.sum());
  }

  /** Whether {@code counted} is a value this counter may end at. */
  boolean plausible(long counted) {
    return lost(counted) == 0 && duplicated(counted) == 0;
  }
}
