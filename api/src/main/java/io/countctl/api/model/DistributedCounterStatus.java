package io.countctl.api.model;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the operator observed: conditions {@code Ready}, {@code Progressing} and {@code Degraded},
 * ready pods per component, where the edges (and the region merge) answer, the configured peer
 * regions, and the generation this describes.
 */
public class DistributedCounterStatus {
  public static final String READY = "Ready";
  public static final String PROGRESSING = "Progressing";
  public static final String DEGRADED = "Degraded";

  private Long observedGeneration;
  private List<Condition> conditions = new ArrayList<>();
  private ComponentStatus edges;
  private ComponentStatus workers;
  private ComponentStatus regionMerge;
  private ComponentStatus downtimeHandler;
  private String edgeService;
  private String regionMergeService;
  private List<PeerStatus> peers;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public Optional<Condition> condition(String type) {
    return conditions == null ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public ComponentStatus getEdges() {
    return edges;
  }

  public void setEdges(ComponentStatus edges) {
    this.edges = edges;
  }

  public ComponentStatus getWorkers() {
    return workers;
  }

  public void setWorkers(ComponentStatus workers) {
    this.workers = workers;
  }

  public ComponentStatus getRegionMerge() {
    return regionMerge;
  }

  public void setRegionMerge(ComponentStatus regionMerge) {
    this.regionMerge = regionMerge;
  }

  public ComponentStatus getDowntimeHandler() {
    return downtimeHandler;
  }

  public void setDowntimeHandler(ComponentStatus downtimeHandler) {
    this.downtimeHandler = downtimeHandler;
  }

  public String getEdgeService() {
    return edgeService;
  }

  public void setEdgeService(String edgeService) {
    this.edgeService = edgeService;
  }

  public String getRegionMergeService() {
    return regionMergeService;
  }

  public void setRegionMergeService(String regionMergeService) {
    this.regionMergeService = regionMergeService;
  }

  public List<PeerStatus> getPeers() {
    return peers;
  }

  public void setPeers(List<PeerStatus> peers) {
    this.peers = peers;
  }
}
