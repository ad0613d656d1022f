package io.countctl.worker.reduce;

import io.countctl.core.key.CounterKey;
import io.countctl.core.sketch.SketchSettings;
import io.countctl.core.store.SketchStore;
import io.countctl.core.store.SketchWrite;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a hot counter's unique count in about one sketch: after a commit, a partition's unique
 * sketch that grew past {@link #THRESHOLD_BYTES} has its counter's partition sketches folded into
 * one ({@link SketchStore#foldUnique}), at most once a second per counter and worker; a fold
 * held back by that limit runs at the next {@link #tick} after it, so a counter whose writes stop
 * still ends folded.
 */
final class UniqueFolder {
  private static final Logger log = LoggerFactory.getLogger(UniqueFolder.class);
  static final int THRESHOLD_BYTES = 512;
  private static final long MIN_INTERVAL_NANOS = 1_000_000_000L;
  private static final int REMEMBERED = 10_000;

  private final SketchStore store;
  private final SketchSettings settings;
  private final String uniquePrefix;
  private final Counter folds;
  private final java.util.Set<CounterKey> pending = new java.util.LinkedHashSet<>();
  private final Map<CounterKey, Long> lastFold = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<CounterKey, Long> eldest) {
      return size() > REMEMBERED;
    }
  };

  UniqueFolder(SketchStore store, SketchSettings settings, MeterRegistry metrics) {
    this.store = store;
    this.settings = settings;
    this.uniquePrefix = store.keys().uniquePrefix();
    this.folds = Counter.builder("count_worker_unique_folds_total")
        .description("unique-count sketches folded into their merged form in Redis").register(metrics);
  }

  /** Called on the consumer thread with what a commit just wrote; failures only delay a fold. */
  void afterCommit(List<SketchWrite> written) {
    long now = System.nanoTime();
    for (SketchWrite w : written) {
      if (w.value().length <= THRESHOLD_BYTES || !w.key().startsWith(uniquePrefix)) {
        continue;
      }
      CounterKey key = CounterKey.parse(w.key().substring(uniquePrefix.length()));
      Long last = lastFold.get(key);
      if (last != null && now - last < MIN_INTERVAL_NANOS) {
        if (pending.size() < REMEMBERED) {
          pending.add(key);
        }
        continue;
      }
      fold(key, now);
    }
  }

  /** Runs the folds held back by the rate limit whose time has come (consumer thread, every poll). */
  void tick() {
    if (pending.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    List<CounterKey> due = pending.stream().filter(k -> {
      Long last = lastFold.get(k);
      return last == null || now - last >= MIN_INTERVAL_NANOS;
    }).toList();
    due.forEach(k -> fold(k, now));
  }

  private void fold(CounterKey key, long now) {
    lastFold.put(key, now);
    pending.remove(key);
    try {
      if (store.foldUnique(key, settings.of(key.counter()).lgK())) {
        folds.increment();
      }
    } catch (RuntimeException e) {
      log.debug("folding the unique sketches of {} failed (retried with its next write): {}", key, e.toString());
    }
  }
}
