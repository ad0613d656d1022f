package io.countctl.cli.provision;

import io.countctl.api.model.DistributedCounter;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;

/** Reads DistributedCounters, turning API errors into messages a person can act on. */
final class CounterLookup {
  private final KubernetesClient client;

  CounterLookup(KubernetesClient client) {
    this.client = client;
  }

  DistributedCounter one(String namespace, String name) {
    ClusterOptions.requireCrd(client);
    DistributedCounter dc;
    try {
      dc = client.resources(DistributedCounter.class).inNamespace(namespace).withName(name).get();
    } catch (KubernetesClientException e) {
      throw ClusterOptions.explain(e, client, "read distributedcounters in " + namespace);
    }
    if (dc == null) {
      throw new ProvisionException(1, "distributedcounter/" + name + " not found in namespace " + namespace
          + " (countctl get -A lists them all)");
    }
    return dc;
  }

  List<DistributedCounter> all(String namespace, boolean allNamespaces) {
    ClusterOptions.requireCrd(client);
    try {
      var op = client.resources(DistributedCounter.class);
      return (allNamespaces ? op.inAnyNamespace().list() : op.inNamespace(namespace).list()).getItems();
    } catch (KubernetesClientException e) {
      throw ClusterOptions.explain(e, client, "list distributedcounters" + (allNamespaces ? "" : " in " + namespace));
    }
  }
}
