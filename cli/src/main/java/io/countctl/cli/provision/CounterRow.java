package io.countctl.cli.provision;

import io.countctl.api.model.ComponentStatus;
import io.countctl.api.model.DistributedCounter;
import io.countctl.api.model.DistributedCounterStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** One line of {@code countctl get}: what {@code kubectl get} would show, plus region and endpoint. */
record CounterRow(String namespace, String name, String ready, String edges, String workers, String region,
    String endpoint, String age) {

  static final String HEADER_FORMAT = "%-20s %-6s %-7s %-8s %-12s %-45s %s%n";
  /** With {@code -A}, as {@code kubectl get -A}: the namespace first. */
  static final String NAMESPACE_FORMAT = "%-20s ";

  static CounterRow of(DistributedCounter dc, Instant now) {
    DistributedCounterStatus s = dc.getStatus();
    String ready = Optional.ofNullable(s).flatMap(st -> st.condition(DistributedCounterStatus.READY))
        .map(Condition::getStatus).orElse("-");
    return new CounterRow(
        dc.getMetadata().getNamespace(),
        dc.getMetadata().getName(),
        ready,
        s == null ? "-" : summary(s.getEdges()),
        s == null ? "-" : summary(s.getWorkers()),
        dc.getSpec() == null || dc.getSpec().getRegion() == null ? "local" : dc.getSpec().getRegion(),
        s == null || s.getEdgeService() == null ? "-" : s.getEdgeService(),
        age(dc.getMetadata().getCreationTimestamp(), now));
  }

  String line(boolean withNamespace) {
    return (withNamespace ? String.format(NAMESPACE_FORMAT, namespace) : "")
        + String.format(HEADER_FORMAT, name, ready, edges, workers, region, endpoint, age);
  }

  static String header(boolean withNamespace) {
    return (withNamespace ? String.format(NAMESPACE_FORMAT, "NAMESPACE") : "")
        + String.format(HEADER_FORMAT, "NAME", "READY", "EDGES", "WORKERS", "REGION", "ENDPOINT", "AGE");
  }

  private static String summary(ComponentStatus c) {
    return c == null ? "-" : c.summary();
  }

  /** {@code 42s}, {@code 5m}, {@code 3h}, {@code 2d}, as kubectl prints ages. */
  static String age(String timestamp, Instant now) {
    if (timestamp == null) {
      return "-";
    }
    Duration d = Duration.between(Instant.parse(timestamp), now);
    if (d.isNegative()) {
      return "0s";
    }
    if (d.toMinutes() < 2) {
      return d.toSeconds() + "s";
    }
    if (d.toHours() < 2) {
      return d.toMinutes() + "m";
    }
    if (d.toDays() < 2) {
      return d.toHours() + "h";
    }
    return d.toDays() + "d";
  }
}
