package io.countctl.downtime.detect;

import io.countctl.downtime.registry.WorkerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Outside Kubernetes nothing reports a dead process, so workers beat ({@code POST /heartbeat}) and a
 * worker silent for longer than the timeout is dead. Workers that never sent a heartbeat are left to
 * the pod watch. The heartbeats live in Redis, so a restarted handler goes on from where it was.
 */
public final class HeartbeatSource implements WorkerDeathSource {
  private static final Logger LOG = LoggerFactory.getLogger(HeartbeatSource.class);

  private final WorkerRegistry registry;
  private final Duration timeout;
  private final Duration checkEvery;
  private final Clock clock;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("heartbeat-check").factory());

  public HeartbeatSource(WorkerRegistry registry, Duration timeout, Duration checkEvery, Clock clock) {
    this.registry = registry;
    this.timeout = timeout;
    this.checkEvery = checkEvery;
    this.clock = clock;
  }

  @Override
  public void start(Consumer<WorkerDeath> onDeath) {
    timer.scheduleWithFixedDelay(() -> check(onDeath), checkEvery.toMillis(), checkEvery.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void check(Consumer<WorkerDeath> onDeath) {
    try {
      long now = clock.millis();
      registry.heartbeatsOlderThan(now - timeout.toMillis()).forEach((worker, last) -> {
        LOG.info("worker {} sent no heartbeat for {} ms: dead", worker, now - last);
        onDeath.accept(new WorkerDeath(worker, "heartbeat", now));
      });
    } catch (RuntimeException e) {
      // Redis briefly away: try again next tick rather than kill the timer.
      LOG.warn("heartbeat check failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
