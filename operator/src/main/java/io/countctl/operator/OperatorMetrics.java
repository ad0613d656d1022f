package io.countctl.operator;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;

/**
 * The registry the operator serves on {@code /metrics}: JVM meters and java-operator-sdk's own
 * (its Micrometer integration, see {@link CountOperator}). The SDK registers its meters without
 * descriptions, so a filter gives each family HELP text here — keyed by name prefix, because the SDK
 * appends the controller name to some — and makes its timers histograms that add up across
 * replicas.
 */
public final class OperatorMetrics {
  /** java-operator-sdk's reconciliation counters, as Prometheus names them (the alerts use them). */
  public static final String RECONCILIATIONS = "operator_sdk_reconciliations_started_total";
  public static final String FAILURES = "operator_sdk_reconciliations_failed_total";

  private static final Map<String, String> SDK_HELP = Map.ofEntries(
      Map.entry("operator.sdk.reconciliations.started", "reconciliations started"),
      Map.entry("operator.sdk.reconciliations.failed", "reconciliations that ended in an error"),
      Map.entry("operator.sdk.reconciliations.success", "reconciliations that ended without an error"),
      Map.entry("operator.sdk.reconciliations.retries.last", "reconciliations that were the last retry allowed"),
      Map.entry("operator.sdk.reconciliations.retries.number", "retries of reconciliations"),
      Map.entry("operator.sdk.reconciliations.executions", "reconciliations running now"),
      Map.entry("operator.sdk.reconciliations.queue.size", "resources waiting to be reconciled"),
      Map.entry("operator.sdk.events.received", "Kubernetes events received about watched resources"),
      Map.entry("operator.sdk.events.delete", "deletions of watched resources received"),
      Map.entry("operator.sdk.controllers.execution", "time spent in a controller's reconcile or cleanup"));

  private static final Duration[] BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
      Duration.ofSeconds(10), Duration.ofSeconds(30)};

  private OperatorMetrics() {}

  public static PrometheusMeterRegistry create() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("component", "operator").meterFilter(new SdkMeters());
    new JvmMemoryMetrics().bindTo(registry);
    return registry;
  }

  /** HELP text of an SDK meter (longest matching prefix), or null for one not the SDK's. */
  static String help(String name) {
    String best = null;
    for (var e : SDK_HELP.entrySet()) {
      if ((name.equals(e.getKey()) || name.startsWith(e.getKey() + "."))
          && (best == null || e.getKey().length() > best.length())) {
        best = e.getKey();
      }
    }
    return best == null ? null : SDK_HELP.get(best);
  }

  private static final class SdkMeters implements MeterFilter {
    @Override
    public Meter.Id map(Meter.Id id) {
      String help = id.getDescription() == null ? help(id.getName()) : null;
      return help == null ? id : new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), help, id.getType());
    }

    @Override
    public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
      if (id.getType() != Meter.Type.TIMER || !id.getName().startsWith("operator.sdk.")) {
        return config;
      }
      double[] nanos = new double[BUCKETS.length];
      for (int i = 0; i < nanos.length; i++) {
        nanos[i] = BUCKETS[i].toNanos();
      }
      return DistributionStatisticConfig.builder().percentiles().percentilesHistogram(false)
          .serviceLevelObjectives(nanos).build().merge(config);
    }
  }
}
