package io.countctl.api.model;

/** Desired and ready pods of one component. */
public class ComponentStatus {
  private Integer replicas;
  private Integer ready;

  public ComponentStatus() {
  }

  public ComponentStatus(int replicas, int ready) {
    this.replicas = replicas;
    this.ready = ready;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Integer getReady() {
    return ready;
  }

  public void setReady(Integer ready) {
    this.ready = ready;
  }

  /** {@code ready/replicas}, as printed by {@code countctl get}. */
  public String summary() {
    return (ready == null ? 0 : ready) + "/" + (replicas == null ? 0 : replicas);
  }
}
