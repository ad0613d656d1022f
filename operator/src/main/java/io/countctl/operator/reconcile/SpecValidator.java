package io.countctl.operator.reconcile;

import io.countctl.api.model.ComponentSpec;
import io.countctl.api.model.CounterOptions;
import io.countctl.api.model.CounterSpecs;
import io.countctl.api.model.DistributedCounter;
import io.countctl.api.model.DistributedCounterSpec;
import io.countctl.api.model.PeerSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks of the CRD schema, repeated in the reconciler: a cluster may run an older CRD, or none
 * that validates (as the test API server), and a bad spec must end as a {@code Degraded} condition
 * that names the field, not as Deployments that crash-loop.
 */
public final class SpecValidator {
  /** Longest name whose derived names ({@code <name>-downtime-handler}) still fit a DNS label. */
  public static final int MAX_NAME_LENGTH = 40;

  private static final Pattern NAME = Pattern.compile("^[a-z]([-a-z0-9]*[a-z0-9])?$");
  private static final Pattern BOOTSTRAP = Pattern.compile("^[^,\\s]+:[0-9]+(,[^,\\s]+:[0-9]+)*$");
  private static final Pattern REDIS = Pattern.compile("^rediss?://[^\\s/]+(:[0-9]+)?(/[0-9]*)?$");
  private static final Pattern REGION = Pattern.compile(CounterSpecs.REGION_PATTERN);
  private static final Pattern COUNTER = Pattern.compile(CounterSpecs.COUNTER_NAME_PATTERN);
  private static final Pattern CORS_ORIGIN = Pattern.compile(CounterSpecs.CORS_ORIGIN_PATTERN);
  private static final Pattern SERVICE_TYPE = Pattern.compile(CounterSpecs.SERVICE_TYPE_PATTERN);
  private static final Pattern SECRET_NAME = Pattern.compile(CounterSpecs.SECRET_NAME_PATTERN);
  private static final Pattern SECRET_KEY = Pattern.compile(CounterSpecs.SECRET_KEY_PATTERN);
  private static final Pattern PEER_URL = Pattern.compile("^https?://\\S+$");

  private SpecValidator() {
  }

  /** Every problem of the resource, each naming its field; empty when it can be deployed. */
  public static List<String> problems(DistributedCounter dc) {
    List<String> problems = new ArrayList<>();
    String name = dc.getMetadata().getName();
    if (name == null || !NAME.matcher(name).matches() || name.length() > MAX_NAME_LENGTH) {
      problems.add("metadata.name must be a DNS label of at most " + MAX_NAME_LENGTH
          + " characters starting with a letter, got '" + name + "'");
    }
    DistributedCounterSpec spec = dc.getSpec();
    if (spec == null) {
      problems.add("spec is required");
      return problems;
    }
    if (spec.getKafka() == null || spec.getKafka().getBootstrapServers() == null) {
      problems.add("spec.kafka.bootstrapServers is required");
    } else {
      if (!BOOTSTRAP.matcher(spec.getKafka().getBootstrapServers()).matches()) {
        problems.add("spec.kafka.bootstrapServers must be host:port[,host:port…], got '"
            + spec.getKafka().getBootstrapServers() + "'");
      }
      range(problems, "spec.kafka.partitions", spec.getKafka().getPartitions(), 1, 10_000);
      range(problems, "spec.kafka.replicationFactor", spec.getKafka().getReplicationFactor(), 1, 10);
    }
    if (spec.getRedis() == null || spec.getRedis().getUrl() == null) {
      problems.add("spec.redis.url is required");
    } else if (!REDIS.matcher(spec.getRedis().getUrl()).matches()) {
      problems.add("spec.redis.url must look like redis://host:6379, got '" + spec.getRedis().getUrl() + "'");
    }
    if (spec.getRegion() != null && !REGION.matcher(spec.getRegion()).matches()) {
      problems.add("spec.region must be a DNS label, got '" + spec.getRegion() + "'");
    }
    range(problems, "spec.flushIntervalMs", spec.getFlushIntervalMs(), CounterSpecs.MIN_FLUSH_MS, CounterSpecs.MAX_FLUSH_MS);
    component(problems, "spec.edge", spec.getEdge());
    cors(problems, spec.getEdge());
    component(problems, "spec.worker", spec.getWorker());
    component(problems, "spec.regionMerge", spec.getRegionMerge());
    component(problems, "spec.downtimeHandler", spec.getDowntimeHandler());
    if (spec.getPeers() != null) {
      Set<String> regions = new HashSet<>();
      for (int i = 0; i < spec.getPeers().size(); i++) {
        PeerSpec p = spec.getPeers().get(i);
        String at = "spec.peers[" + i + "]";
        if (p.getRegion() == null || !REGION.matcher(p.getRegion()).matches()) {
          problems.add(at + ".region must be a DNS label, got '" + p.getRegion() + "'");
        } else if (!regions.add(p.getRegion()) || p.getRegion().equals(spec.getRegion())) {
          problems.add(at + ".region '" + p.getRegion() + "' is this region or listed twice");
        }
        if (p.getUrl() == null || !PEER_URL.matcher(p.getUrl()).matches()) {
          problems.add(at + ".url must be an http(s) URL, got '" + p.getUrl() + "'");
        }
      }
    }
    if (spec.getRegionMerge() != null && spec.getRegionMerge().getServiceType() != null
        && !SERVICE_TYPE.matcher(spec.getRegionMerge().getServiceType()).matches()) {
      problems.add("spec.regionMerge.serviceType must be ClusterIP, NodePort or LoadBalancer, got '"
          + spec.getRegionMerge().getServiceType() + "'");
    }
    if (spec.getPeerSecretRef() != null) {
      var ref = spec.getPeerSecretRef();
      if (ref.getName() == null || !SECRET_NAME.matcher(ref.getName()).matches()) {
        problems.add("spec.peerSecretRef.name must be a Secret's name, got '" + ref.getName() + "'");
      }
      if (ref.getKey() == null || !SECRET_KEY.matcher(ref.getKey()).matches()) {
        problems.add("spec.peerSecretRef.key must be a key of the Secret, got '" + ref.getKey() + "'");
      }
    }
    if (spec.getCounters() != null) {
      Set<String> names = new HashSet<>();
      for (int i = 0; i < spec.getCounters().size(); i++) {
        CounterOptions c = spec.getCounters().get(i);
        String at = "spec.counters[" + i + "]";
        if (c.getName() == null || !COUNTER.matcher(c.getName()).matches()) {
          problems.add(at + ".name must be 1–64 characters without '/', ',' or spaces, got '" + c.getName() + "'");
        } else if (!names.add(c.getName())) {
          problems.add(at + ".name '" + c.getName() + "' is listed twice");
        }
        range(problems, at + ".uniqueLgK", c.getUniqueLgK(), CounterSpecs.MIN_LGK, CounterSpecs.MAX_LGK);
        range(problems, at + ".topK", c.getTopK(), 0, CounterSpecs.MAX_TOPK);
        windows(problems, at + ".windows", c);
      }
    }
    return problems;
  }

  private static void windows(List<String> problems, String at, CounterOptions c) {
    List<String> windows = c.getWindows();
    if (windows == null) {
      return;
    }
    if (c.getTopK() != null && c.getTopK() == 0) {
      problems.add(at + " are kept for top-K, which topK: 0 turns off: drop one of them");
      return;
    }
    if (windows.isEmpty()) {
      problems.add(at + " must name at least one of " + String.join(", ", CounterSpecs.WINDOWS)
          + " (leave it out for all five; topK: 0 turns top-K off)");
      return;
    }
    Set<String> seen = new HashSet<>();
    for (int j = 0; j < windows.size(); j++) {
      String w = windows.get(j);
      if (w == null || !CounterSpecs.WINDOWS.contains(w)) {
        problems.add(at + "[" + j + "] must be one of " + String.join(", ", CounterSpecs.WINDOWS) + ", got '" + w + "'");
      } else if (!seen.add(w)) {
        problems.add(at + "[" + j + "] '" + w + "' is listed twice");
      }
    }
  }

  private static void component(List<String> problems, String at, ComponentSpec c) {
    if (c != null) {
      range(problems, at + ".replicas", c.getReplicas(), 1, 1000);
    }
  }

  /** Each origin as a browser sends it, or {@code *} alone (what the edge accepts in COUNT_CORS_ORIGINS). */
  private static void cors(List<String> problems, io.countctl.api.model.EdgeSpec edge) {
    if (edge == null || edge.getCors() == null || edge.getCors().getAllowedOrigins() == null) {
      return;
    }
    List<String> origins = edge.getCors().getAllowedOrigins();
    for (int i = 0; i < origins.size(); i++) {
      String o = origins.get(i);
      if (o == null || !CORS_ORIGIN.matcher(o).matches()) {
        problems.add("spec.edge.cors.allowedOrigins[" + i + "] must be scheme://host[:port] (no path) or *, got '" + o + "'");
      }
    }
    if (origins.size() > 1 && origins.contains("*")) {
      problems.add("spec.edge.cors.allowedOrigins: * (any origin) cannot be listed with other origins");
    }
  }

  private static void range(List<String> problems, String field, Integer value, int min, int max) {
    if (value != null && (value < min || value > max)) {
      problems.add(field + " must be between " + min + " and " + max + ", got " + value);
    }
  }
}
