package io.countctl.operator.dependent;

import io.countctl.operator.reconcile.Component;

/** {@code <name>-edge}: where applications send counts (its address is in the status). */
public class EdgeServiceDependent extends ComponentService {
  public EdgeServiceDependent() {
    super(Component.EDGE);
  }
}
