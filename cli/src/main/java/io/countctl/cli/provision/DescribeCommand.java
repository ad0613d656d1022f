package io.countctl.cli.provision;

import io.countctl.api.model.ComponentSpec;
import io.countctl.api.model.ComponentStatus;
import io.countctl.api.model.CounterOptions;
import io.countctl.api.model.CounterSpecs;
import io.countctl.api.model.DistributedCounter;
import io.countctl.api.model.DistributedCounterSpec;
import io.countctl.api.model.DistributedCounterStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code countctl describe <name>}: spec, per-component readiness and the conditions. */
@Command(name = "describe", mixinStandardHelpOptions = true,
    description = "Show a DistributedCounter: what it asks for, what is ready, and its conditions.")
public final class DescribeCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "Name of the DistributedCounter.")
  String name;

  @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table, json or yaml (default: ${DEFAULT-VALUE}).")
  String output;

  @Mixin ClusterOptions cluster;

  @Override
  public Integer call() {
    try {
      ResourceOutput format = ResourceOutput.parse(output);
      try (KubernetesClient client = cluster.connect()) {
        DistributedCounter dc = new CounterLookup(client).one(cluster.namespaceOf(client), name);
        if (format == ResourceOutput.TABLE) {
          print(dc, System.out);
        } else {
          format.print(List.of(dc), true, System.out);
        }
        return 0;
      }
    } catch (ProvisionException e) {
      System.err.println("countctl: " + e.getMessage());
      return e.exitCode();
    }
  }

  static void print(DistributedCounter dc, PrintStream out) {
    DistributedCounterSpec spec = dc.getSpec();
    DistributedCounterStatus status = dc.getStatus();
    out.printf("Name:          %s%n", dc.getMetadata().getName());
    out.printf("Namespace:     %s%n", dc.getMetadata().getNamespace());
    out.printf("Created:       %s%n", dc.getMetadata().getCreationTimestamp());
    out.printf("Kafka:         %s (partitions %s, replication %s)%n", spec.getKafka().getBootstrapServers(),
        orDash(spec.getKafka().getPartitions()), orDash(spec.getKafka().getReplicationFactor()));
    out.printf("Redis:         %s%n", spec.getRedis().getUrl());
    out.printf("Region:        %s%n", spec.getRegion());
    out.printf("Peers:         %s%n", spec.getPeers() == null || spec.getPeers().isEmpty() ? "none"
        : spec.getPeers().stream().map(p -> p.getRegion() + "=" + p.getUrl()).collect(Collectors.joining(", ")));
    out.printf("Ack mode:      %s, flush every %s%n", spec.getAckMode() == null ? "durable" : spec.getAckMode().value(),
        spec.getFlushIntervalMs() == null ? "default interval" : spec.getFlushIntervalMs() + " ms");
    if (spec.getCounters() == null || spec.getCounters().isEmpty()) {
      out.printf("Counters:      all defaults (%s)%n", sketchOptions(new CounterOptions("-")));
    } else {
      int width = spec.getCounters().stream().mapToInt(c -> String.valueOf(c.getName()).length()).max().orElse(0);
      String label = "Counters:      ";
      for (CounterOptions c : spec.getCounters()) {
        out.printf("%s%-" + width + "s  %s%n", label, c.getName(), sketchOptions(c));
        label = " ".repeat(label.length());
      }
      out.printf("%s(any other counter: the defaults)%n", label);
    }
    out.printf("Generation:    %s (status observed %s)%n", orDash(dc.getMetadata().getGeneration()),
        status == null ? "-" : orDash(status.getObservedGeneration()));
    out.printf("Endpoint:      %s%n", status == null || status.getEdgeService() == null ? "-" : status.getEdgeService());
    out.println();
    out.printf("%-18s %-8s %s%n", "COMPONENT", "WANTED", "READY");
    component(out, "edge", spec.getEdge(), 2, status == null ? null : status.getEdges());
    component(out, "worker", spec.getWorker(), 2, status == null ? null : status.getWorkers());
    component(out, "downtime-handler", spec.getDowntimeHandler(), 1, status == null ? null : status.getDowntimeHandler());
    if (spec.getPeers() != null && !spec.getPeers().isEmpty()) {
      component(out, "region-merge", spec.getRegionMerge(), 1, status == null ? null : status.getRegionMerge());
    }
    out.println();
    List<Condition> conditions = status == null || status.getConditions() == null ? List.of() : status.getConditions();
    if (conditions.isEmpty()) {
      out.println("Conditions:    none yet (is the operator running? helm install count-operator charts/count-operator)");
      return;
    }
    out.printf("%-12s %-7s %-18s %-22s %s%n", "CONDITION", "STATUS", "REASON", "SINCE", "MESSAGE");
    for (Condition c : conditions) {
      out.printf("%-12s %-7s %-18s %-22s %s%n", c.getType(), c.getStatus(), orDash(c.getReason()),
          orDash(c.getLastTransitionTime()), orDash(c.getMessage()));
    }
  }

  /** A counter's sketch options as the components apply them, the defaults marked as such. */
  static String sketchOptions(CounterOptions c) {
    String lgk = c.getUniqueLgK() == null ? CounterSpecs.DEFAULT_LGK + " (default)" : String.valueOf(c.getUniqueLgK());
    int topK = c.getTopK() == null ? CounterSpecs.DEFAULT_TOPK : c.getTopK();
    if (topK == 0) {
      return "unique lgK " + lgk + ", top-K off";
    }
    String windows = c.getWindows() == null ? String.join("+", CounterSpecs.WINDOWS) + " (default)"
        : CounterSpecs.WINDOWS.stream().filter(c.getWindows()::contains).collect(Collectors.joining("+"));
    return "unique lgK " + lgk + ", top-K " + topK + (c.getTopK() == null ? " (default)" : "") + ", windows " + windows;
  }

  private static void component(PrintStream out, String what, ComponentSpec spec, int defaultReplicas, ComponentStatus s) {
    int wanted = spec == null || spec.getReplicas() == null ? defaultReplicas : spec.getReplicas();
    out.printf("%-18s %-8d %s%n", what, wanted, s == null || s.getReady() == null ? "-" : s.getReady());
  }

  private static String orDash(Object o) {
    return o == null ? "-" : o.toString();
  }
}
