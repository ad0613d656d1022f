package io.countctl.operator;

import io.countctl.api.model.DistributedCounter;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The checked-in sample resources, read the way kubectl would send them. */
public final class Samples {
  private Samples() {
  }

  /** {@code crds/samples/distributedcounter.yaml}. */
  public static DistributedCounter singleRegion() {
    return read("distributedcounter.yaml");
  }

  /** {@code crds/samples/distributedcounter-multi-region.yaml}. */
  public static DistributedCounter multiRegion() {
    return read("distributedcounter-multi-region.yaml");
  }

  private static DistributedCounter read(String file) {
    try {
      return Serialization.unmarshal(Files.readString(Path.of("..", "crds", "samples", file)), DistributedCounter.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
