package io.countctl.api.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** The existing Redis of this region; the operator does not install Redis. */
public class RedisSpec {
  @Required
  @Pattern("^rediss?://[^\\s/]+(:[0-9]+)?(/[0-9]*)?$")
  @JsonPropertyDescription("URL of the region's Redis, redis://host:6379 or rediss://… (COUNT_REDIS_URL).")
  private String url;

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }
}
