package io.countctl.operator.reconcile;

import io.countctl.api.config.Setting;
import io.countctl.api.model.ComponentSpec;
import io.countctl.api.model.DistributedCounterSpec;
import java.util.List;
import java.util.function.Function;

/**
 * The parts of a platform the operator deploys: the label value, the image each runs and which of
 * the shared settings it reads (a change to those, and only those, rolls its pods), as the api's
 * {@link io.countctl.api.config.Component} of the same name says.
 */
public enum Component {
  EDGE("edge", "edge-node", 2, DistributedCounterSpec::getEdge, io.countctl.api.config.Component.EDGE),
  WORKER("worker", "worker", 2, DistributedCounterSpec::getWorker, io.countctl.api.config.Component.WORKER),
  DOWNTIME_HANDLER("downtime-handler", "downtime-handler", 1, DistributedCounterSpec::getDowntimeHandler,
      io.countctl.api.config.Component.DOWNTIME_HANDLER),
  REGION_MERGE("region-merge", "worker", 1, DistributedCounterSpec::getRegionMerge,
      io.countctl.api.config.Component.REGION_MERGE);

  private final String label;
  private final String imageName;
  private final int defaultReplicas;
  private final Function<DistributedCounterSpec, ComponentSpec> spec;
  private final io.countctl.api.config.Component reader;
  private final List<String> settingsRead;

  Component(String label, String imageName, int defaultReplicas,
      Function<DistributedCounterSpec, ComponentSpec> spec, io.countctl.api.config.Component reader) {
    this.label = label;
    this.imageName = imageName;
    this.defaultReplicas = defaultReplicas;
    this.spec = spec;
    this.reader = reader;
    // COUNT_HTTP_PORT stays out of the hash: the operator always writes PlatformSettings.PORT, and
    // hashing a value that never changes would only roll every pod once when the operator is upgraded.
    this.settingsRead = Setting.allReadBy(reader).stream()
        .filter(s -> s != Setting.HTTP_PORT).map(Setting::key).toList();
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

  /** The program this component runs, as the api's list of settings names it. */
  public io.countctl.api.config.Component reader() {
    return reader;
  }

  /** Names of every setting the component reads (only those in the ConfigMap are hashed). */
  public List<String> settingsRead() {
    return settingsRead;
  }
}
