package io.countctl.cli.provision;

import io.countctl.api.model.DistributedCounter;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Unmatched;

/**
 * {@code countctl __complete <the words typed so far>}: the names of the DistributedCounters in the
 * namespace those words name, one a line, for the completion script of {@code generate-completion}.
 * Hidden, and silent on any failure: a shell completing a word must not print errors.
 */
@Command(name = "__complete", hidden = true, description = "Counter names for shell completion.")
public final class CompleteCommand implements Callable<Integer> {
  @Mixin ClusterOptions cluster;

  /** The rest of the line (the subcommand, its other options): only the cluster options matter. */
  @Unmatched List<String> rest = new ArrayList<>();

  @Override
  public Integer call() {
    try (KubernetesClient client = cluster.connect(2_000, 3_000)) {
      for (DistributedCounter dc : client.resources(DistributedCounter.class).inNamespace(cluster.namespaceOf(client))
          .list().getItems()) {
        System.out.println(dc.getMetadata().getName());
      }
    } catch (RuntimeException e) {
      // no cluster, no CRD, no access: nothing to offer
    }
    return 0;
  }
}
