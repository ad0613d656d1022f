package io.countctl.api.model;

/**
 * A configured peer region as the operator knows it. Live per-peer lag, backlog and last contact are
 * the region-merge role's ({@code GET /v1/peers} and its metrics), not the operator's: the reconciler
 * does not call into the platform.
 */
public class PeerStatus {
  private String region;
  private String url;

  public PeerStatus() {
  }

  public PeerStatus(String region, String url) {
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
