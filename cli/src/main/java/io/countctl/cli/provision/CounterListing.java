package io.countctl.cli.provision;

import io.countctl.api.model.DistributedCounter;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.util.List;

/** {@code countctl get [name]}: DistributedCounters as a table, JSON or YAML. */
public final class CounterListing {
  private CounterListing() {
  }

  /** @return the exit code */
  public static int run(ClusterOptions cluster, String name, boolean allNamespaces, String output, PrintStream out) {
    try {
      ResourceOutput format = ResourceOutput.parse(output);
      try (KubernetesClient client = cluster.connect()) {
        CounterLookup lookup = new CounterLookup(client);
        String ns = cluster.namespaceOf(client);
        if (name != null) {
          format.print(List.of(lookup.one(ns, name)), true, out);
          return 0;
        }
        List<DistributedCounter> all = lookup.all(ns, allNamespaces);
        if (all.isEmpty() && format == ResourceOutput.TABLE) {
          System.err.println("No DistributedCounters in " + (allNamespaces ? "any namespace" : "namespace " + ns)
              + ". Create one: countctl create <name> --kafka host:9092 --redis redis://host:6379");
          return 0;
        }
        format.print(all, false, allNamespaces, out);
        return 0;
      }
    } catch (ProvisionException e) {
      System.err.println("countctl: " + e.getMessage());
      return e.exitCode();
    }
  }
}
