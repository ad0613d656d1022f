package io.countctl.cli.provision;

import io.countctl.api.config.AckMode;
import io.countctl.api.model.ComponentSpec;
import io.countctl.api.model.CounterOptions;
import io.countctl.api.model.CounterSpecs;
import io.countctl.api.model.DistributedCounter;
import io.countctl.api.model.DistributedCounterSpec;
import io.countctl.api.model.KafkaSpec;
import io.countctl.api.model.PeerSpec;
import io.countctl.api.model.RedisSpec;
import io.countctl.operator.reconcile.SpecValidator;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

  @Option(names = "--kafka", description = "Kafka bootstrap servers, host:port[,host:port].")
  String kafka;

  @Option(names = "--redis", description = "Redis URL, redis://host:6379.")
  String redis;

  @Option(names = "--region", description = "Region name (default: local).")
  String region;

  @Option(names = "--peer", paramLabel = "REGION=URL", description = "A peer region's region-merge URL; repeatable.")
  List<String> peers = new ArrayList<>();

  @Option(names = "--edges", description = "Edge replicas (default 2).")
  Integer edges;

  @Option(names = "--workers", description = "Worker replicas (default 2).")
  Integer workers;

  @Option(names = "--partitions", description = "Partitions of topics created when missing (default 8).")
  Integer partitions;

  @Option(names = "--replication", description = "Replication factor of those topics (default 3).")
  Integer replication;

  @Option(names = "--flush-ms", description = "Edge flush interval in ms (default 5 durable, 1000 buffered).")
  Integer flushMs;

  @Option(names = "--ack-mode", description = "durable or buffered (default durable).")
  String ackMode;

  @Option(names = "--counter", paramLabel = "NAME[:lgk=L][:topk=K][:windows=W+W]",
      description = {"Sketch options of one counter name; repeatable. Unique counts and top-K need none.",
          "lgk: unique-count sketch size 10..16 (default 13); topk: largest k of /top, 0 = off, up to 1000"
              + " (default 32); windows: of 1m, 10m, 1h, 24h, all (default all five)."})
  List<String> counters = new ArrayList<>();

  @Option(names = "--image-tag", description = "Tag of the component images (default: the operator's).")
  String imageTag;

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
    if (kafka != null) {
      spec.setKafka(spec.getKafka() == null ? new KafkaSpec() : spec.getKafka());
      spec.getKafka().setBootstrapServers(kafka);
    }
    if (spec.getKafka() == null) {
      throw new ProvisionException(2, "--kafka is required: the bootstrap servers of your Kafka, e.g. --kafka kafka:9092");
    }
    if (partitions != null) {
      spec.getKafka().setPartitions(partitions);
    }
    if (replication != null) {
      spec.getKafka().setReplicationFactor(replication);
    }
    if (redis != null) {
      spec.setRedis(new RedisSpec());
      spec.getRedis().setUrl(redis);
    }
    if (spec.getRedis() == null) {
      throw new ProvisionException(2, "--redis is required: the URL of your Redis, e.g. --redis redis://redis:6379");
    }
    if (region != null) {
      spec.setRegion(region);
    }
    for (String p : peers) {
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new ProvisionException(2, "--peer must be REGION=URL, got '" + p + "'");
      }
      spec.getPeers().add(new PeerSpec(p.substring(0, eq), p.substring(eq + 1)));
    }
    if (edges != null) {
      spec.setEdge(replicas(spec.getEdge(), edges));
    }
    if (workers != null) {
      spec.setWorker(replicas(spec.getWorker(), workers));
    }
    if (flushMs != null) {
      spec.setFlushIntervalMs(flushMs);
    }
    if (ackMode != null) {
      spec.setAckMode(switch (ackMode.toLowerCase(java.util.Locale.ROOT)) {
        case "durable" -> AckMode.DURABLE;
        case "buffered" -> AckMode.BUFFERED;
        default -> throw new ProvisionException(2, "--ack-mode must be durable or buffered, got '" + ackMode + "'");
      });
    }
    for (String c : counters) {
      spec.getCounters().add(counterOptions(c));
    }
    if (imageTag != null) {
      spec.setImage(spec.getImage() == null ? new io.countctl.api.model.ImageSpec() : spec.getImage());
      spec.getImage().setTag(imageTag);
    }
    return dc;
  }

  private static ComponentSpec replicas(ComponentSpec existing, int n) {
    ComponentSpec c = existing == null ? new ComponentSpec() : existing;
    c.setReplicas(n);
    return c;
  }

  /** {@code NAME[:lgk=L][:topk=K][:windows=W+W]}; bounds are the validator's, which names the field. */
  static CounterOptions counterOptions(String text) {
    String[] parts = text.split(":", -1);
    CounterOptions o = new CounterOptions(parts[0]);
    java.util.Set<String> given = new java.util.HashSet<>();
    for (int i = 1; i < parts.length; i++) {
      String part = parts[i];
      int eq = part.indexOf('=');
      String key = eq < 0 ? part : part.substring(0, eq);
      String value = eq < 0 ? null : part.substring(eq + 1);
      if (key.equals("unique")) {
        throw new ProvisionException(2, "--counter " + text + ": 'unique' is no longer an option: unique counts need no"
            + " set-up (a write's \"user\" feeds them for every counter); lgk=L sets their sketch size");
      }
      if (!List.of("lgk", "topk", "windows").contains(key) || value == null || value.isEmpty()) {
        throw new ProvisionException(2, "--counter " + text + ": unknown option '" + part
            + "' (lgk=L, topk=K, windows=W+W with W of " + String.join(", ", CounterSpecs.WINDOWS) + ")");
      }
      if (!given.add(key)) {
        throw new ProvisionException(2, "--counter " + text + ": " + key + " is given twice");
      }
      switch (key) {
        case "lgk" -> o.setUniqueLgK(number(text, key, value));
        case "topk" -> o.setTopK(number(text, key, value));
        default -> o.setWindows(List.of(value.split("\\+", -1)));
      }
    }
    return o;
  }

  private static int number(String text, String key, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new ProvisionException(2, "--counter " + text + ": " + key + " needs a number, got '" + value + "'");
    }
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
