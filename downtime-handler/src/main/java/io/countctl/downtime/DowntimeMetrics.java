package io.countctl.downtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** The handler's meters; Prometheus names start with {@code count_downtime_}. */
public final class DowntimeMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger knownWorkers = new AtomicInteger();

  public DowntimeMetrics() {
    Gauge.builder("count_downtime_workers", knownWorkers, AtomicInteger::get)
        .description("workers the handler knows of (reported through /store or heartbeats)").register(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** {@code kind}: store, cleanup, heartbeat. */
  public void request(String kind) {
    counter("count_downtime_requests_total",
        "internal calls received, by kind (store, cleanup, heartbeat)", "kind", kind).increment();
  }

  /** {@code source}: pod-deleted, pod-restarted, pod-missing, heartbeat. */
  public void workerDied(String source) {
    counter("count_downtime_worker_deaths_total",
        "workers found dead, by how (pod deleted, restarted, missing, heartbeat)", "source", source).increment();
  }

  /** {@code result}: ok or failed (after all retries). */
  public void resubscribe(String result) {
    counter("count_downtime_resubscribes_total",
        "resubscribe calls to frontends after a worker died, by result", "result", result).increment();
  }

  /** A frontend given up on: it did not answer the resubscribe call after all retries. */
  public void frontendDropped() {
    counter("count_downtime_frontends_dropped_total",
        "frontends given up on: they did not answer a resubscribe call after all retries").increment();
  }

  public void knownWorkers(int n) {
    knownWorkers.set(n);
  }

  private Counter counter(String name, String help, String... tags) {
    return Counter.builder(name).description(help).tags(tags).register((MeterRegistry) registry);
  }
}
