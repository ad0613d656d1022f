package io.countctl.operator.reconcile;

import io.countctl.api.model.ComponentSpec;
import io.countctl.api.model.DistributedCounterSpec;
import java.util.List;
import java.util.function.Function;

/**
 * The parts of a platform the operator deploys: the label value, the image each runs and which of
 * the shared settings it reads (a change to those, and only those, rolls its pods).
 */
public enum Component {
  EDGE("edge", "edge-node", 2, DistributedCounterSpec::getEdge,
      List.of(PlatformSettings.CLUSTER, PlatformSettings.REGION, PlatformSettings.KAFKA_BOOTSTRAP,
          PlatformSettings.REDIS_URL, PlatformSettings.PARTITIONS, PlatformSettings.REPLICATION,
          PlatformSettings.ACK_MODE, PlatformSettings.FLUSH_MS, PlatformSettings.COUNTER_OPTIONS)),
  WORKER("worker", "worker", 2, DistributedCounterSpec::getWorker,
      List.of(PlatformSettings.CLUSTER, PlatformSettings.REGION, PlatformSettings.KAFKA_BOOTSTRAP,
          PlatformSettings.REDIS_URL, PlatformSettings.PARTITIONS, PlatformSettings.REPLICATION,
          PlatformSettings.DOWNTIME_URL, PlatformSettings.COUNTER_OPTIONS)),
  DOWNTIME_HANDLER("downtime-handler", "downtime-handler", 1, DistributedCounterSpec::getDowntimeHandler,
      List.of(PlatformSettings.CLUSTER, PlatformSettings.REDIS_URL, PlatformSettings.POD_WATCH)),
  REGION_MERGE("region-merge", "worker", 1, DistributedCounterSpec::getRegionMerge,
      List.of(PlatformSettings.CLUSTER, PlatformSettings.REGION, PlatformSettings.KAFKA_BOOTSTRAP,
          PlatformSettings.REDIS_URL, PlatformSettings.PEERS, PlatformSettings.COUNTER_OPTIONS));

  private final String label;
  private final String imageName;
  private final int defaultReplicas;
  private final Function<DistributedCounterSpec, ComponentSpec> spec;
  private final List<String> settingsRead;

  Component(String label, String imageName, int defaultReplicas,
      Function<DistributedCounterSpec, ComponentSpec> spec, List<String> settingsRead) {
    this.label = label;
    this.imageName = imageName;
    this.defaultReplicas = defaultReplicas;
    this.spec = spec;
    this.settingsRead = settingsRead;
  }

  /** Value of {@code app.kubernetes.io/component} and suffix of the resource names. */
  public String label() {
    return label;
  }

  /** Image name under the registry, e.g. {@code edge-node}. */
  public String imageName() {
    return imageName;
  }

  public int defaultReplicas() {
    return defaultReplicas;
  }

  /** The component's part of the spec, possibly null. */
  public ComponentSpec specOf(DistributedCounterSpec s) {
    return spec.apply(s);
  }

  public List<String> settingsRead() {
    return settingsRead;
  }
}
