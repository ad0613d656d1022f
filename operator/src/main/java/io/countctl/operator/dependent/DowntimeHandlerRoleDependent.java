package io.countctl.operator.dependent;

import io.countctl.api.model.DistributedCounter;
import io.countctl.operator.reconcile.Component;
import io.countctl.operator.reconcile.CounterPlan;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.List;

/**
 * {@code <name>-downtime-handler}: reading pods in the platform's namespace, all the downtime
 * handler's pod informer does (list, then watch; get for a single pod). The operator can grant it
 * only because its own ClusterRole holds the same verbs (Kubernetes refuses to let an account grant
 * more than it has).
 */
public class DowntimeHandlerRoleDependent extends PlatformDependent<Role> {
  /** What the downtime handler may do, and so what the operator must hold itself. */
  public static final List<PolicyRule> RULES = List.of(new PolicyRuleBuilder()
      .withApiGroups("")
      .withResources("pods")
      .withVerbs("get", "list", "watch")
      .build());

  public DowntimeHandlerRoleDependent() {
    super(Role.class);
  }

  @Override
  protected String objectName(String counterName) {
    return CounterPlan.resourceName(counterName, Component.DOWNTIME_HANDLER);
  }

  @Override
  protected Role build(DistributedCounter primary, Context<DistributedCounter> context) {
    CounterPlan plan = plan(context);
    return new RoleBuilder()
        .withNewMetadata()
        .withName(plan.resourceName(Component.DOWNTIME_HANDLER))
        .withNamespace(plan.namespace())
        .withLabels(plan.labels(Component.DOWNTIME_HANDLER))
        .endMetadata()
        .withRules(RULES)
        .build();
  }
}
