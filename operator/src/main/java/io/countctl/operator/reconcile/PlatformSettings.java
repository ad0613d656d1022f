package io.countctl.operator.reconcile;

/**
 * The ports the operator gives the components. The names of the settings it writes into the
 * platform's ConfigMap and Deployments are {@link io.countctl.api.config.Setting}'s, the ones the
 * components read (DESIGN §3, "Processes and configuration").
 */
public final class PlatformSettings {
  /** The port every component serves HTTP (API, health, metrics) on inside its pod. */
  public static final int PORT = 8080;

  /**
   * The edge's internal port ({@code /internal/*}): a container port reached by pod IP, behind no
   * Service, so the edge Service (what applications reach) never exposes it.
   */
  public static final int EDGE_INTERNAL_PORT = 8081;

  private PlatformSettings() {
  }
}
