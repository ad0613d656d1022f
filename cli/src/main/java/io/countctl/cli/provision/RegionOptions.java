package io.countctl.cli.provision;

import io.countctl.api.model.DistributedCounterSpec;
import io.countctl.api.model.PeerSpec;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --region --peer}: this region and the regions it merges counts with. */
public final class RegionOptions {
  @Option(names = "--region", description = "Region name (default: local).")
  String region;

  @Option(names = "--peer", paramLabel = "REGION=URL", description = "A peer region's region-merge URL; repeatable.")
  List<String> peers = new ArrayList<>();

  void applyTo(DistributedCounterSpec spec) {
    if (region != null) {
      spec.setRegion(region);
    }
    for (String p : peers) {
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new ProvisionException(2, "--peer must be REGION=URL, got '" + p + "'");
      }
      spec.getPeers().add(new PeerSpec(p.substring(0, eq), p.substring(eq + 1)));
    }
  }
}
