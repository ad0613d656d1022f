package io.countctl.cli.provision;

import io.countctl.api.model.ComponentSpec;
import io.countctl.api.model.DistributedCounterSpec;
import io.countctl.api.model.EdgeSpec;
import io.countctl.api.model.ImageSpec;
import picocli.CommandLine.Option;

/** {@code --edges --workers --image-tag}: how many of each component run, from which images. */
public final class DeploymentOptions {
  @Option(names = "--edges", description = "Edge replicas (default 2).")
  Integer edges;

  @Option(names = "--workers", description = "Worker replicas (default 2).")
  Integer workers;

  @Option(names = "--image-tag", description = "Tag of the component images (default: the operator's).")
  String imageTag;

  void applyTo(DistributedCounterSpec spec) {
    if (edges != null) {
      spec.setEdge(spec.getEdge() == null ? new EdgeSpec() : spec.getEdge());
      spec.getEdge().setReplicas(edges);
    }
    if (workers != null) {
      spec.setWorker(replicas(spec.getWorker(), workers));
    }
    if (imageTag != null) {
      spec.setImage(spec.getImage() == null ? new ImageSpec() : spec.getImage());
      spec.getImage().setTag(imageTag);
    }
  }

  private static ComponentSpec replicas(ComponentSpec existing, int n) {
    ComponentSpec c = existing == null ? new ComponentSpec() : existing;
    c.setReplicas(n);
    return c;
  }
}
