package io.countctl.operator.dependent;

import io.countctl.operator.reconcile.CounterPlan;
import io.countctl.operator.reconcile.Component;

/**
 * {@code <name>-region-merge}: what the other regions' {@code spec.peers[].url} point at (through a
 * LoadBalancer, or an ingress in front of it). Only present while peers are set ({@link PeersConfigured}).
 */
public class RegionMergeServiceDependent extends ComponentService {
  public RegionMergeServiceDependent() {
    super(Component.REGION_MERGE);
  }

  @Override
  protected String type(CounterPlan plan) {
    return plan.regionMergeServiceType();
  }

  /** The role serves {@code /v1/merge} on the pod's HTTP port (COUNT_MERGE_PORT defaults to it). */
  @Override
  protected String portName() {
    return "merge";
  }
}
