package io.countctl.api.config;

/** A program that reads {@code COUNT_*} settings. */
public enum Component {
  EDGE("edge-node", "The HTTP/SSE frontends (`edge-node.jar`, the `<name>-edge` Deployment).", true),
  WORKER("worker", "Reducers and the live fan-out (`worker.jar`, the `<name>-worker` Deployment).", true),
  REGION_MERGE("region-merge",
      "The worker image in its region-merge role, `COUNT_ROLE=region-merge` (the `<name>-region-merge` Deployment,"
          + " present while `spec.peers` is set).", true),
  DOWNTIME_HANDLER("downtime-handler",
      "Resubscribes frontends when a worker dies (`downtime-handler.jar`, the `<name>-downtime-handler` Deployment).",
      true),
  OPERATOR("operator", "The DistributedCounter operator; the Helm chart (`charts/count-operator`) sets these.", false),
  CLI("countctl", "The command line.", false);

  private final String label;
  private final String description;
  private final boolean deployedByOperator;

  Component(String label, String description, boolean deployedByOperator) {
    this.label = label;
    this.description = description;
    this.deployedByOperator = deployedByOperator;
  }

  /** How the docs name it. */
  public String label() {
    return label;
  }

  /** One sentence, Markdown. */
  public String description() {
    return description;
  }

  /** Whether the operator runs it, and so has to set what it reads (or say why not). */
  public boolean deployedByOperator() {
    return deployedByOperator;
  }
}
