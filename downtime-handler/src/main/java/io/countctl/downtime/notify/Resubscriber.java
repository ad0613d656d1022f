package io.countctl.downtime.notify;

import io.countctl.downtime.DowntimeMetrics;
import io.countctl.downtime.detect.WorkerDeath;
import io.countctl.downtime.registry.WorkerRegistry;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when a worker dies: every frontend it served is told to resubscribe (all at once, on
 * virtual threads), frontends that never answer are dropped, and then the worker is forgotten. The
 * worker's entries are removed only after the calls, so a handler that crashes half-way repeats
 * the work after its restart instead of losing it; a frontend may then hear twice, which is harmless.
 */
public final class Resubscriber implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Resubscriber.class);

  private final WorkerRegistry registry;
  private final ResubscribeClient client;
  private final DowntimeMetrics metrics;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  /** Workers being handled now: the pod watch and the heartbeat check may both report one death. */
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

  public Resubscriber(WorkerRegistry registry, ResubscribeClient client, DowntimeMetrics metrics) {
    this.registry = registry;
    this.client = client;
    this.metrics = metrics;
  }

  /** Handles a death in the background; returns at once. */
  public void onDeath(WorkerDeath death) {
    if (!inFlight.add(death.worker())) {
      return;
    }
    try {
      threads.execute(() -> {
        try {
          handle(death);
        } finally {
          inFlight.remove(death.worker());
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      inFlight.remove(death.worker()); // shutting down: the next handler finds the entries in Redis
    }
  }

  private void handle(WorkerDeath death) {
    try {
      List<String> frontends = List.copyOf(registry.frontends(death.worker()));
      metrics.workerDied(death.source());
      LOG.info("worker {} died ({}): telling {} frontend(s) to resubscribe", death.worker(), death.source(), frontends.size());
      List<Future<Boolean>> calls = frontends.stream()
          .map(f -> threads.submit(() -> client.resubscribe(f, death.worker())))
          .toList();
      for (int i = 0; i < frontends.size(); i++) {
        String frontend = frontends.get(i);
        boolean ok = calls.get(i).get();
        metrics.resubscribe(ok ? "ok" : "failed");
        if (!ok) {
          metrics.frontendDropped();
          LOG.warn("frontend {} did not accept resubscribe for dead worker {}: dropped", frontend, death.worker());
        }
      }
      // Notified or given up on, each frontend is done with this worker.
      registry.forget(death.worker(), frontends, death.atMs());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // Redis away: the entries stay, and the death is reported again (heartbeat check, reconcile).
      LOG.warn("handling the death of worker {} failed: {}", death.worker(), e.toString());
    }
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
