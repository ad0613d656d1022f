package io.countctl.api.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The edge nodes: replicas and resources as every component, plus what browsers may do with them. */
public class EdgeSpec extends ComponentSpec {
  @JsonPropertyDescription("Cross-origin (CORS) access for web pages on other origins; unset: none.")
  private CorsSpec cors;

  public EdgeSpec() {
  }

  public EdgeSpec(int replicas) {
    super(replicas);
  }

  public CorsSpec getCors() {
    return cors;
  }

  public void setCors(CorsSpec cors) {
    this.cors = cors;
  }
}
