package io.countctl.operator.reconcile;

import io.countctl.api.config.Setting;
import io.countctl.api.model.ComponentSpec;
import io.countctl.api.model.CounterOptions;
import io.countctl.api.model.CounterSpecs;
import io.countctl.api.model.DistributedCounter;
import io.countctl.api.model.DistributedCounterSpec;
import io.countctl.api.model.ImageSpec;
import io.countctl.api.model.SecretKeyRef;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A validated DistributedCounter resolved into what the dependents build: names, labels, images,
 * replicas and the settings every component reads. Computed once per reconciliation by the
 * reconciler and handed to the dependents through the workflow context.
 */
public record CounterPlan(
    String name,
    String namespace,
    Map<String, String> settings,
    Map<Component, Integer> replicas,
    Map<Component, ResourceRequirements> resources,
    Map<Component, String> images,
    String pullPolicy,
    String regionMergeServiceType,
    SecretKeyRef peerSecret) {

  /** Key of the plan in the managed workflow's context. */
  public static final String CONTEXT_KEY = "io.countctl.operator.plan";
  public static final String OPERATOR_NAME = "count-operator";

  public static CounterPlan of(DistributedCounter dc, ImageDefaults defaults) {
    DistributedCounterSpec spec = dc.getSpec();
    String name = dc.getMetadata().getName();
    String namespace = dc.getMetadata().getNamespace();

    Map<String, String> settings = new TreeMap<>();
    settings.put(Setting.CLUSTER.key(), name);
    settings.put(Setting.REGION.key(), orDefault(spec.getRegion(), "local"));
    settings.put(Setting.KAFKA_BOOTSTRAP.key(), spec.getKafka().getBootstrapServers());
    settings.put(Setting.PARTITIONS.key(), String.valueOf(orDefault(spec.getKafka().getPartitions(), 8)));
    settings.put(Setting.REPLICATION.key(), String.valueOf(orDefault(spec.getKafka().getReplicationFactor(), 3)));
    settings.put(Setting.REDIS_URL.key(), spec.getRedis().getUrl());
    settings.put(Setting.HTTP_PORT.key(), String.valueOf(PlatformSettings.PORT));
    settings.put(Setting.ACK_MODE.key(), spec.getAckMode() == null ? "durable" : spec.getAckMode().value());
    if (spec.getFlushIntervalMs() != null) {
      settings.put(Setting.FLUSH_MS.key(), String.valueOf(spec.getFlushIntervalMs()));
    }
    settings.put(Setting.DOWNTIME_URL.key(),
        "http://" + resourceName(name, Component.DOWNTIME_HANDLER) + ":" + PlatformSettings.PORT);
    // The downtime handler watches worker pods (its ServiceAccount may read pods in this namespace)
    // on top of the workers' heartbeats.
    settings.put(Setting.POD_WATCH.key(), "true");
    if (spec.getPeers() != null && !spec.getPeers().isEmpty()) {
      settings.put(Setting.PEERS.key(), spec.getPeers().stream()
          .map(p -> p.getRegion() + "=" + p.getUrl()).collect(Collectors.joining(",")));
    }
    if (spec.getEdge() != null && spec.getEdge().getCors() != null && spec.getEdge().getCors().getAllowedOrigins() != null
        && !spec.getEdge().getCors().getAllowedOrigins().isEmpty()) {
      settings.put(Setting.CORS_ORIGINS.key(), String.join(",", spec.getEdge().getCors().getAllowedOrigins()));
    }
    if (spec.getCounters() != null && !spec.getCounters().isEmpty()) {
      settings.put(Setting.COUNTER_OPTIONS.key(),
          spec.getCounters().stream().map(CounterPlan::counterOption).collect(Collectors.joining(",")));
    }

    Map<Component, Integer> replicas = new LinkedHashMap<>();
    Map<Component, ResourceRequirements> resources = new LinkedHashMap<>();
    Map<Component, String> images = new LinkedHashMap<>();
    ImageSpec image = spec.getImage() == null ? new ImageSpec() : spec.getImage();
    String registry = orDefault(image.getRegistry(), defaults.registry());
    String tag = orDefault(image.getTag(), defaults.tag());
    for (Component c : Component.values()) {
      ComponentSpec cs = c.specOf(spec);
      replicas.put(c, cs == null || cs.getReplicas() == null ? c.defaultReplicas() : cs.getReplicas());
      resources.put(c, cs == null ? null : cs.getResources());
      images.put(c, registry + "/" + c.imageName() + ":" + tag);
    }
    return new CounterPlan(name, namespace, Map.copyOf(settings), Map.copyOf(replicas),
        java.util.Collections.unmodifiableMap(resources), Map.copyOf(images),
        orDefault(image.getPullPolicy(), defaults.pullPolicy()),
        spec.getRegionMerge() == null ? "ClusterIP" : orDefault(spec.getRegionMerge().getServiceType(), "ClusterIP"),
        spec.getPeerSecretRef());
  }

  /** Whether the region-merge role runs: only with peers to merge with. */
  public boolean mergesRegions() {
    return settings.containsKey(Setting.PEERS.key());
  }

  /** Address of the region-merge role inside the cluster, reported in the status while it runs. */
  public String regionMergeServiceUrl() {
    return "http://" + resourceName(Component.REGION_MERGE) + "." + namespace + ".svc:" + PlatformSettings.PORT;
  }

  public static String resourceName(String counterName, Component component) {
    return counterName + "-" + component.label();
  }

  public String resourceName(Component component) {
    return resourceName(name, component);
  }

  public String configMapName() {
    return name + "-config";
  }

  /** The token-less ServiceAccount of the edges, workers and region merge. */
  public String serviceAccountName() {
    return name + "-platform";
  }

  public String secretName() {
    return name + "-internal";
  }

  /** Address of the edges inside the cluster, reported in the status. */
  public String edgeServiceUrl() {
    return "http://" + resourceName(Component.EDGE) + "." + namespace + ".svc:" + PlatformSettings.PORT;
  }

  /** Labels that select all of this platform's objects. */
  public Map<String, String> labels() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/name", "count");
    labels.put("app.kubernetes.io/instance", name);
    labels.put("app.kubernetes.io/part-of", "count");
    labels.put("app.kubernetes.io/managed-by", OPERATOR_NAME);
    return labels;
  }

  /** Labels of one component's objects and pods. */
  public Map<String, String> labels(Component component) {
    Map<String, String> labels = labels();
    labels.put("app.kubernetes.io/component", component.label());
    return labels;
  }

  /** Labels a component's Deployment and Service select its pods by (stable across upgrades). */
  public Map<String, String> selector(Component component) {
    return Map.of("app.kubernetes.io/instance", name, "app.kubernetes.io/component", component.label());
  }

  /** Only the settings a component reads; hashed into its pod template so a change rolls it. */
  public String settingsHash(Component component) {
    StringBuilder text = new StringBuilder();
    new TreeMap<>(settings).forEach((k, v) -> {
      if (component.settingsRead().contains(k)) {
        text.append(k).append('=').append(v).append('\n');
      }
    });
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public Optional<ResourceRequirements> resourcesOf(Component component) {
    return Optional.ofNullable(resources.get(component));
  }

  /**
   * One entry of {@code COUNT_COUNTER_OPTIONS}, {@code name[:lgk=L][:topk=K][:windows=A+B]}: only what
   * the spec sets, so the components' defaults stay theirs. Windows in their fixed order, so that
   * reordering the list changes no setting and rolls no pod.
   */
  static String counterOption(CounterOptions o) {
    StringBuilder s = new StringBuilder(o.getName());
    if (o.getUniqueLgK() != null) {
      s.append(":lgk=").append(o.getUniqueLgK());
    }
    if (o.getTopK() != null) {
      s.append(":topk=").append(o.getTopK());
    }
    if (o.getWindows() != null && !o.getWindows().isEmpty()) {
      s.append(":windows=").append(CounterSpecs.WINDOWS.stream()
          .filter(o.getWindows()::contains).collect(Collectors.joining("+")));
    }
    return s.toString();
  }

  private static <T> T orDefault(T value, T fallback) {
    return value == null || value instanceof String str && str.isBlank() ? fallback : value;
  }
}
