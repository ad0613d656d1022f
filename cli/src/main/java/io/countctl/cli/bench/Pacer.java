package io.countctl.cli.bench;

/**
 * The fixed-interval schedule of one connection in {@code --rate} mode: slots at {@code first},
 * {@code first + interval}, …; a connection sends at its next slot, or at once when it is late.
 * A connection still waiting for an answer when whole slots pass misses them (it has one request
 * in flight): they are counted, not sent in a burst afterwards, so the schedule keeps its phase
 * and the missed slots are what {@link Latencies}' coordinated-omission correction accounts for.
 * Pure arithmetic on the {@code now} it is given, so a test drives it with a fake clock.
 */
final class Pacer {
  private final long intervalNanos;
  private long next;
  private long missed;
  private long sent;

  Pacer(long firstSlotNanos, long intervalNanos) {
    if (intervalNanos <= 0) {
      throw new IllegalArgumentException("interval must be > 0");
    }
    this.next = firstSlotNanos;
    this.intervalNanos = intervalNanos;
  }

  /**
   * When to send the next request, for a connection that is free at {@code now}: its next slot,
   * or {@code now} when that slot has passed (slots wholly passed while it was busy are missed).
   */
  long sendAt(long now) {
    long slot = next;
    if (now > slot) {
      long late = (now - slot) / intervalNanos; // whole slots that went by: missed
      missed += late;
      slot += late * intervalNanos;
      next = slot + intervalNanos;
      sent++;
      return now;
    }
    next = slot + intervalNanos;
    sent++;
    return slot;
  }

  long intervalNanos() {
    return intervalNanos;
  }

  /** Slots that passed while this connection waited for an answer. */
  long missed() {
    return missed;
  }

  /** Slots served (requests sent on schedule or late within one interval). */
  long sent() {
    return sent;
  }
}
