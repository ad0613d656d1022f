package io.countctl.core.batch;

import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;

/** What one edge added to one counter during one flush interval. */
public record Delta(CounterKey key, PnCounter change) {
  public Delta(CounterKey key, long p, long n) {
    this(key, new PnCounter(p, n));
  }
}
