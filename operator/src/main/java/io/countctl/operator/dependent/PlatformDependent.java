package io.countctl.operator.dependent;

import io.countctl.operator.api.DistributedCounter;
import io.countctl.operator.reconcile.CounterPlan;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Deleter;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * One object the operator keeps in line with a DistributedCounter.
 *
 * <p>Objects carry an owner reference (Kubernetes' garbage collector removes them with the
 * DistributedCounter) and are also deleted explicitly when the DistributedCounter goes (a
 * {@link Deleter}, not {@code GarbageCollected}): a deleted platform is gone when its finalizer is
 * released, not some time later, and API servers without a collector (the test one) agree.
 *
 * <p>Names are fixed per DistributedCounter, so the target object is found by name without building
 * the desired state (which needs the reconciler's {@link CounterPlan}).
 */
public abstract class PlatformDependent<R extends HasMetadata> extends KubernetesDependentResource<R, DistributedCounter>
    implements Creator<R, DistributedCounter>, Updater<R, DistributedCounter>, Deleter<DistributedCounter> {

  protected PlatformDependent(Class<R> type) {
    super(type);
  }

  /** This object's name for a DistributedCounter of the given name. */
  protected abstract String objectName(String counterName);

  @Override
  protected ResourceID targetSecondaryResourceID(DistributedCounter primary, Context<DistributedCounter> context) {
    return new ResourceID(objectName(primary.getMetadata().getName()), primary.getMetadata().getNamespace());
  }

  @Override
  protected boolean addOwnerReference() {
    return true;
  }

  /** The reconciler's plan for this reconciliation. */
  protected static CounterPlan plan(Context<DistributedCounter> context) {
    return context.managedWorkflowAndDependentResourceContext().getMandatory(CounterPlan.CONTEXT_KEY, CounterPlan.class);
  }
}
