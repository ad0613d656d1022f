package io.countctl.cli.provision;

import io.countctl.api.model.DistributedCounter;
import io.countctl.api.model.DistributedCounterSpec;
import io.countctl.operator.reconcile.SpecValidator;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code countctl create <name> --kafka … --redis …}: a DistributedCounter, or with --dry-run just its YAML. */
@Command(name = "create", mixinStandardHelpOptions = true,
    description = {"Create a DistributedCounter (a Count platform for one region) in the current kubeconfig's cluster.",
        "The operator then deploys its edges, workers and downtime handler on your Kafka and Redis."},
    footer = {"", "Examples:",
        "  countctl create likes --kafka kafka:9092 --redis redis://redis:6379 -n apps",
        "  countctl create likes --kafka kafka:9092 --redis redis://redis:6379 --edges 3 --counter views:topk=10:windows=1h+all",
        "  countctl create likes --kafka kafka:9092 --redis redis://redis:6379 --dry-run -o yaml > likes.yaml",
        "  countctl create -f crds/samples/distributedcounter.yaml"})
public final class CreateCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", description = "Name: the cluster name of topics and keys (from -f if omitted).")
  String name;

  @Option(names = {"-f", "--filename"}, description = "Read the DistributedCounter from this YAML file; flags override it.")
  Path file;

  // Options by what they set, each applied in build(); picocli lists them all together, sorted.
  @Mixin StoreOptions store;

  @Mixin RegionOptions regions;

  @Mixin DeploymentOptions deployment;

  @Mixin WriteOptions writes;

  @Option(names = "--dry-run", description = "Print the resource and create nothing; needs no cluster.")
  boolean dryRun;

  @Option(names = {"-o", "--output"}, description = "yaml, json or table (default: yaml with --dry-run, else a one-line summary).")
  String output;

  @Mixin ClusterOptions cluster;

  @Override
  public Integer call() {
    try {
      DistributedCounter dc = build();
      List<String> problems = SpecValidator.problems(dc);
      if (!problems.isEmpty()) {
        throw new ProvisionException(2, "invalid DistributedCounter:\n  - " + String.join("\n  - ", problems));
      }
      if (dryRun) {
        ResourceOutput format = ResourceOutput.parse(output == null ? "yaml" : output);
        format.print(List.of(dc), true, System.out);
        return 0;
      }
      try (KubernetesClient client = cluster.connect()) {
        String ns = cluster.namespace != null ? cluster.namespace
            : dc.getMetadata().getNamespace() != null ? dc.getMetadata().getNamespace() : cluster.namespaceOf(client);
        dc.getMetadata().setNamespace(ns);
        ClusterOptions.requireCrd(client);
        DistributedCounter created;
        try {
          created = client.resources(DistributedCounter.class).inNamespace(ns).resource(dc).create();
        } catch (KubernetesClientException e) {
          if (e.getCode() == 409) {
            throw new ProvisionException(1, "distributedcounter/" + dc.getMetadata().getName() + " already exists in "
                + ns + "; change it with kubectl edit/apply, or countctl delete it first");
          }
          throw ClusterOptions.explain(e, client, "create distributedcounters in " + ns);
        }
        if (output == null) {
          System.out.println("distributedcounter/" + created.getMetadata().getName() + " created in " + ns
              + " (countctl describe " + created.getMetadata().getName() + " -n " + ns + " shows its progress)");
        } else {
          ResourceOutput.parse(output).print(List.of(created), true, System.out);
        }
        return 0;
      }
    } catch (ProvisionException e) {
      System.err.println("countctl: " + e.getMessage());
      return e.exitCode();
    }
  }

  DistributedCounter build() {
    DistributedCounter dc = file == null ? new DistributedCounter() : read(file);
    if (dc.getMetadata() == null) {
      dc.setMetadata(new ObjectMetaBuilder().build());
    }
    if (name != null) {
      dc.getMetadata().setName(name);
    }
    if (dc.getMetadata().getName() == null) {
      throw new ProvisionException(2, "give the DistributedCounter a name: countctl create <name> …");
    }
    if (cluster.namespace != null) {
      dc.getMetadata().setNamespace(cluster.namespace);
    }
    DistributedCounterSpec spec = dc.getSpec() == null ? new DistributedCounterSpec() : dc.getSpec();
    dc.setSpec(spec);
    store.applyTo(spec);
    regions.applyTo(spec);
    deployment.applyTo(spec);
    writes.applyTo(spec);
    return dc;
  }

  /**
   * The model reads {@code unique: true} without a word (objects stored under the old schema must
   * still reconcile), but a file someone is about to apply should say that it means nothing now.
   */
  private static void refuseOldOptions(Path file, String text) {
    Object counters;
    try {
      counters = Serialization.unmarshal(text, io.fabric8.kubernetes.api.model.GenericKubernetesResource.class)
          .get("spec", "counters");
    } catch (RuntimeException e) {
      return; // not even a resource: the typed read below says why
    }
    if (counters instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i) instanceof java.util.Map<?, ?> entry && entry.containsKey("unique")) {
          throw new ProvisionException(2, file + ": spec.counters[" + i + "].unique is no longer an option: unique"
              + " counts need no set-up (a write's \"user\" feeds them for every counter); uniqueLgK sets their"
              + " sketch size. Remove it.");
        }
      }
    }
  }

  private static DistributedCounter read(Path file) {
    try {
      String text = Files.readString(file);
      refuseOldOptions(file, text);
      return Serialization.unmarshal(text, DistributedCounter.class);
    } catch (IOException e) {
      throw new ProvisionException(2, "cannot read " + file + ": " + e.getMessage());
    } catch (RuntimeException e) {
      throw new ProvisionException(2, file + " is not a DistributedCounter: " + e.getMessage());
    }
  }
}
