package io.countctl.api.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A Count platform of one region: edges, workers, downtime handler and (with peers) a region-merge
 * role, wired to an existing Kafka and Redis. Its name is the cluster name ({@code COUNT_CLUSTER}):
 * the prefix of its Kafka topics and Redis keys.
 */
@Group(DistributedCounter.GROUP)
@Version(DistributedCounter.VERSION)
@Kind(DistributedCounter.KIND)
@Plural(DistributedCounter.PLURAL)
@ShortNames({"dc", "dcounter", "dcounters"})
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Edges", jsonPath = ".status.edges.ready", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Workers", jsonPath = ".status.workers.ready",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Endpoint", jsonPath = ".status.edgeService", type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class DistributedCounter extends CustomResource<DistributedCounterSpec, DistributedCounterStatus>
    implements Namespaced {
  public static final String GROUP = "counters.countctl.io";
  public static final String VERSION = "v1alpha1";
  public static final String KIND = "DistributedCounter";
  public static final String PLURAL = "distributedcounters";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  // Overridden only to describe them in the CRD schema (kubectl explain distributedcounter.spec).
  @Override
  @JsonPropertyDescription("What to run: the Kafka and Redis to use, the region and its peers, replicas and"
      + " resources per component, and per-counter options. See docs/kubernetes.md.")
  public DistributedCounterSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("What the operator observed: Ready, Progressing and Degraded conditions, ready"
      + " replicas per component and the edge Service's address. Written by the operator only.")
  public DistributedCounterStatus getStatus() {
    return super.getStatus();
  }

  @Override
  protected DistributedCounterSpec initSpec() {
    return new DistributedCounterSpec();
  }

  // No initStatus(): a resource the operator has not looked at yet has no status at all, and the
  // first status write then adds it whole rather than patching into an empty object.
}
