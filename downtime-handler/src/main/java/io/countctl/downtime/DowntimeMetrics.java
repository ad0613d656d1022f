package io.countctl.downtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** The handler's meters; Prometheus names start with {@code count_downtime_}. */
public final class DowntimeMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger knownWorkers = new AtomicInteger();

  public DowntimeMetrics() {
    registry.gauge("count.downtime.workers", knownWorkers);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** {@code kind}: store, cleanup, heartbeat. */
  public void request(String kind) {
    counter("count.downtime.requests", "kind", kind).increment();
  }

  /** {@code source}: pod-deleted, pod-restarted, pod-missing, heartbeat. */
  public void workerDied(String source) {
    counter("count.downtime.worker.deaths", "source", source).increment();
  }

  /** {@code result}: ok or failed (after all retries). */
  public void resubscribe(String result) {
    counter("count.downtime.resubscribes", "result", result).increment();
  }

  /** A frontend given up on: it did not answer the resubscribe call after all retries. */
  public void frontendDropped() {
    counter("count.downtime.frontends.dropped").increment();
  }

  public void knownWorkers(int n) {
    knownWorkers.set(n);
  }

  private Counter counter(String name, String... tags) {
    return Counter.builder(name).tags(tags).register((MeterRegistry) registry);
  }
}
