package io.countctl.cli.provision;

import io.countctl.api.model.DistributedCounter;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code countctl delete <name>}: removes the DistributedCounter; the operator removes what it made. */
@Command(name = "delete", mixinStandardHelpOptions = true,
    description = {"Delete a DistributedCounter. The operator deletes its Deployments, Services, ConfigMap and Secret;",
        "Kafka topics and Redis keys are kept, so a DistributedCounter re-created under the same name keeps its counts."})
public final class DeleteCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "Name of the DistributedCounter.")
  String name;

  @Option(names = "--wait", description = "Wait until it is gone (the operator has cleaned up).")
  boolean waitForGone;

  @Option(names = "--timeout", defaultValue = "120s", converter = io.countctl.cli.bench.BenchCommand.DurationConverter.class,
      description = "How long --wait waits, e.g. 90s or 5m (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Mixin ClusterOptions cluster;

  @Override
  public Integer call() {
    try (KubernetesClient client = cluster.connect()) {
      String ns = cluster.namespaceOf(client);
      new CounterLookup(client).one(ns, name);
      var resource = client.resources(DistributedCounter.class).inNamespace(ns).withName(name);
      try {
        resource.delete();
      } catch (KubernetesClientException e) {
        throw ClusterOptions.explain(e, client, "delete distributedcounters in " + ns);
      }
      if (!waitForGone) {
        System.out.println("distributedcounter/" + name + " deleted from " + ns);
        return 0;
      }
      System.out.println("distributedcounter/" + name + " deleting; waiting for the operator to remove what it made…");
      Instant deadline = Instant.now().plus(timeout);
      while (resource.get() != null) {
        if (Instant.now().isAfter(deadline)) {
          throw new ProvisionException(1, "distributedcounter/" + name + " still exists after " + timeout.toSeconds() + "s"
              + "; is the operator running? (its finalizer is removed by the operator)");
        }
        Thread.sleep(500); // polling the API server; a watch is not worth it for one object
      }
      System.out.println("distributedcounter/" + name + " deleted from " + ns);
      return 0;
    } catch (ProvisionException e) {
      System.err.println("countctl: " + e.getMessage());
      return e.exitCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }
}
