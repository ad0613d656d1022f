package io.countctl.core.store;

import io.countctl.core.key.CounterKey;
import io.countctl.core.totals.TotalChange;
import java.util.List;
import java.util.OptionalLong;

/** Outcome of {@link CounterStore#apply}. */
public sealed interface CommitResult {
  /**
   * Applied; the new state of every counter the commit touched, and how many keyed writes were
   * skipped because their token had been counted before.
   */
  record Applied(List<TotalChange> totals, int duplicateTokens) implements CommitResult {
    public Applied {
      totals = List.copyOf(totals);
    }

    public Applied(List<TotalChange> totals) {
      this(totals, 0);
    }
  }

  /** Not applied: Redis holds another offset for the partition (another worker got there first). */
  record Fenced(OptionalLong storedOffset) implements CommitResult {}

  /**
   * Not applied: a keyed write's token changed state since the worker folded its item into a
   * sketch (another worker counted it meanwhile, or it expired); fold again and retry.
   */
  record Stale() implements CommitResult {}

  /** Not applied: the commit would push a counter past 2^63 - 1. */
  record Overflow(CounterKey key) implements CommitResult {}

  /**
   * Not applied: a replayed dead letter of the commit was applied before (an earlier replay, or a
   * copy of the same replay on another partition); leave it out and retry.
   */
  record Replayed(String replay) implements CommitResult {}
}
