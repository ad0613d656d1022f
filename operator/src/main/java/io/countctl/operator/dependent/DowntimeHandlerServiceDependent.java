package io.countctl.operator.dependent;

import io.countctl.operator.reconcile.Component;

/** {@code <name>-downtime-handler}: where workers report frontends and heartbeats. */
public class DowntimeHandlerServiceDependent extends ComponentService {
  public DowntimeHandlerServiceDependent() {
    super(Component.DOWNTIME_HANDLER);
  }
}
