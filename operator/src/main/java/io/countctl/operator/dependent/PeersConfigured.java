package io.countctl.operator.dependent;

import io.countctl.api.model.DistributedCounter;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/** The region-merge role (Deployment and Service) runs only when there are peer regions; removing the peers removes it. */
public class PeersConfigured implements Condition<HasMetadata, DistributedCounter> {
  @Override
  public boolean isMet(DependentResource<HasMetadata, DistributedCounter> dependentResource,
      DistributedCounter primary, Context<DistributedCounter> context) {
    return primary.getSpec().getPeers() != null && !primary.getSpec().getPeers().isEmpty();
  }
}
