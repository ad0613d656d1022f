package io.countctl.downtime.detect;

import java.util.function.Consumer;

/**
 * Something that notices dead workers: the Kubernetes pod watch, or missed heartbeats. A source may
 * report the same worker more than once; the receiver deduplicates.
 */
public interface WorkerDeathSource extends AutoCloseable {
  /** Starts watching; {@code onDeath} is called on the source's own threads. */
  void start(Consumer<WorkerDeath> onDeath);

  /** Empty when the source works, otherwise why not (for {@code /readyz}); must not block. */
  default String problem() {
    return "";
  }

  @Override
  void close();
}
