package io.countctl.operator.reconcile;

/**
 * Images used when a DistributedCounter does not name them: set at installation (Helm values →
 * {@code COUNT_IMAGE_REGISTRY}, {@code COUNT_IMAGE_TAG}, {@code COUNT_IMAGE_PULL_POLICY}).
 */
public record ImageDefaults(String registry, String tag, String pullPolicy) {
  public static final ImageDefaults BUILT_IN = new ImageDefaults("ghcr.io/countctl", "0.1.0", "IfNotPresent");
}
