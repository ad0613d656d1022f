package io.countctl.api.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Another region whose region-merge role exchanges per-region (P, N) state with this one. */
public class PeerSpec {
  @Required
  @Pattern(CounterSpecs.REGION_PATTERN)
  @JsonPropertyDescription("The peer's region name.")
  private String region;

  @Required
  @Pattern("^https?://\\S+$")
  @JsonPropertyDescription("URL of the peer's region-merge service.")
  private String url;

  public PeerSpec() {
  }

  public PeerSpec(String region, String url) {
    this.region = region;
    this.url = url;
  }

  public String getRegion() {
    return region;
  }

  public void setRegion(String region) {
    this.region = region;
  }

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }
}
