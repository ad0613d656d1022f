package io.countctl.api.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** Replicas and resources of one component (edge, worker, region-merge, downtime handler). */
public class ComponentSpec {
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("Number of pods; at least 1.")
  private Integer replicas;

  @JsonPropertyDescription("CPU and memory requests and limits of the component's container.")
  private ResourceRequirements resources;

  public ComponentSpec() {
  }

  public ComponentSpec(int replicas) {
    this.replicas = replicas;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }
}
