package io.countctl.api.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/**
 * The region-merge role: replicas and resources as every component, plus how its Service is exposed —
 * the other regions' {@code spec.peers[].url} must reach it, which from another cluster usually means
 * a LoadBalancer (or an ingress in front of the ClusterIP Service).
 */
public class RegionMergeSpec extends ComponentSpec {
  @Pattern(CounterSpecs.SERVICE_TYPE_PATTERN)
  @JsonPropertyDescription("Type of the <name>-region-merge Service: ClusterIP (default), NodePort or LoadBalancer.")
  private String serviceType;

  public String getServiceType() {
    return serviceType;
  }

  public void setServiceType(String serviceType) {
    this.serviceType = serviceType;
  }
}
