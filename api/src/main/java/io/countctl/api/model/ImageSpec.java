package io.countctl.api.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/**
 * Where the component images come from: {@code <registry>/<component>:<tag>}, e.g.
 * {@code ghcr.io/countctl/edge-node:0.1.0}. Unset fields take the operator's defaults (its Helm values).
 */
public class ImageSpec {
  @Pattern("^[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)*$")
  @JsonPropertyDescription("Registry and path the component images are under, e.g. ghcr.io/countctl.")
  private String registry;

  @Pattern("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
  @JsonPropertyDescription("Image tag of all components.")
  private String tag;

  @Pattern("^(Always|IfNotPresent|Never)$")
  @JsonPropertyDescription("Image pull policy: Always, IfNotPresent or Never.")
  private String pullPolicy;

  public String getRegistry() {
    return registry;
  }

  public void setRegistry(String registry) {
    this.registry = registry;
  }

  public String getTag() {
    return tag;
  }

  public void setTag(String tag) {
    this.tag = tag;
  }

  public String getPullPolicy() {
    return pullPolicy;
  }

  public void setPullPolicy(String pullPolicy) {
    this.pullPolicy = pullPolicy;
  }
}
