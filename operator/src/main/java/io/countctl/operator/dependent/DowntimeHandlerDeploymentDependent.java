package io.countctl.operator.dependent;

import io.countctl.operator.reconcile.Component;

/** {@code <name>-downtime-handler}: makes frontends resubscribe when a worker dies. */
public class DowntimeHandlerDeploymentDependent extends ComponentDeployment {
  public DowntimeHandlerDeploymentDependent() {
    super(Component.DOWNTIME_HANDLER);
  }
}
