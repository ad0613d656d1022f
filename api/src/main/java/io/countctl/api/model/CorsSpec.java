package io.countctl.api.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * Which web origins may call the edges from a browser (COUNT_CORS_ORIGINS). No cookies are used,
 * so credentialed requests are never allowed (docs/security.md).
 */
public class CorsSpec {
  @JsonPropertyDescription("Origins (scheme://host[:port], as browsers send them in Origin) whose pages may read and"
      + " write counters, or [\"*\"] for any origin; requests from origins not listed get 403. Empty: no CORS"
      + " headers at all (COUNT_CORS_ORIGINS).")
  private List<String> allowedOrigins = new ArrayList<>();

  public CorsSpec() {
  }

  public CorsSpec(List<String> allowedOrigins) {
    this.allowedOrigins = allowedOrigins;
  }

  public List<String> getAllowedOrigins() {
    return allowedOrigins;
  }

  public void setAllowedOrigins(List<String> allowedOrigins) {
    this.allowedOrigins = allowedOrigins;
  }
}
