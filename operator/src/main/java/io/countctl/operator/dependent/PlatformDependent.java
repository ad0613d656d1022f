package io.countctl.operator.dependent;

import io.countctl.api.model.DistributedCounter;
import io.countctl.operator.events.OperatorEvents;
import io.countctl.operator.reconcile.CounterPlan;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Deleter;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Matcher.Result;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * One object the operator keeps in line with a DistributedCounter.
 *
 * <p>Objects carry a controller owner reference ({@code controller: true, blockOwnerDeletion: true}:
 * Kubernetes' garbage collector removes them with the DistributedCounter, and a foreground deletion
 * waits for them) and are also deleted explicitly when the DistributedCounter goes (a
 * {@link Deleter}, not {@code GarbageCollected}): a deleted platform is gone when its finalizer is
 * released, not some time later, and API servers without a collector (the test one) agree.
 *
 * <p>Whether to write is decided by {@link DesiredState} (a hash of the desired object kept on it);
 * an update replaces what the operator owns and keeps what others added ({@link #keepWhatOthersOwn}).
 * Each create and update is reported as a Kubernetes Event on the DistributedCounter.
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

  /** The object as this operator wants it, without the hash annotation. */
  protected abstract R build(DistributedCounter primary, Context<DistributedCounter> context);

  @Override
  protected final R desired(DistributedCounter primary, Context<DistributedCounter> context) {
    return DesiredState.stamped(build(primary, context));
  }

  /**
   * Copies into {@code desired} what others own on the live object and an update must not undo
   * (labels and annotations are merged already). Nothing by default.
   */
  public void keepWhatOthersOwn(R actual, R desired) {
  }

  @Override
  public Result<R> match(R actual, R desired, DistributedCounter primary, Context<DistributedCounter> context) {
    return Result.computed(DesiredState.matches(actual, desired), desired);
  }

  @Override
  public R create(R desired, DistributedCounter primary, Context<DistributedCounter> context) {
    R created = super.create(desired, primary, context);
    OperatorEvents.normal(context.getClient(), primary, "Created", describe(created) + " created");
    return created;
  }

  @Override
  public R update(R actual, R desired, DistributedCounter primary, Context<DistributedCounter> context) {
    keepWhatOthersOwn(actual, desired);
    R updated = super.update(actual, desired, primary, context);
    OperatorEvents.normal(context.getClient(), primary, "Updated", describe(updated) + " updated");
    return updated;
  }

  private static String describe(HasMetadata o) {
    return o.getKind() + " " + o.getMetadata().getName();
  }

  @Override
  protected ResourceID targetSecondaryResourceID(DistributedCounter primary, Context<DistributedCounter> context) {
    return new ResourceID(objectName(primary.getMetadata().getName()), primary.getMetadata().getNamespace());
  }

  @Override
  protected boolean addOwnerReference() {
    return true;
  }

  @Override
  protected void addReferenceHandlingMetadata(R desired, DistributedCounter primary) {
    desired.addOwnerReference(new OwnerReferenceBuilder()
        .withApiVersion(primary.getApiVersion())
        .withKind(primary.getKind())
        .withName(primary.getMetadata().getName())
        .withUid(primary.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build());
  }

  /** The reconciler's plan for this reconciliation. */
  protected static CounterPlan plan(Context<DistributedCounter> context) {
    return context.managedWorkflowAndDependentResourceContext().getMandatory(CounterPlan.CONTEXT_KEY, CounterPlan.class);
  }
}
