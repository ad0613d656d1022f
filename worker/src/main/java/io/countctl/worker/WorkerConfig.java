package io.countctl.worker;

import io.countctl.api.config.Setting;
import io.countctl.core.config.ConfigException;
import io.countctl.core.config.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything a worker is configured with, parsed from {@link Settings} in {@link #from}.
 *
 * <table>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>COUNT_CLUSTER</td><td>count</td><td>topic and key prefix</td></tr>
 *   <tr><td>COUNT_REGION</td><td>local</td><td>region this worker serves</td></tr>
 *   <tr><td>COUNT_KAFKA_BOOTSTRAP</td><td>required</td><td>Kafka bootstrap servers</td></tr>
 *   <tr><td>COUNT_REDIS_URL</td><td>required</td><td>{@code redis://host:port}</td></tr>
 *   <tr><td>COUNT_HTTP_PORT</td><td>8080</td><td>health and metrics port (0: any free port)</td></tr>
 *   <tr><td>COUNT_HTTP_HOST</td><td>0.0.0.0</td><td>address the health and metrics server binds ({@code countctl dev}: 127.0.0.1)</td></tr>
 *   <tr><td>COUNT_WORKER_ID</td><td>$HOSTNAME (the pod name)</td><td>this worker's identity for the downtime handler</td></tr>
 *   <tr><td>COUNT_PARTITIONS</td><td>8</td><td>partitions of topics created when missing</td></tr>
 *   <tr><td>COUNT_REPLICATION</td><td>1</td><td>their replication factor</td></tr>
 *   <tr><td>COUNT_MAX_POLL_RECORDS</td><td>2000</td><td>most batches reduced into one Redis commit per partition</td></tr>
 *   <tr><td>COUNT_MARK_RETENTION_H</td><td>192 (8 days)</td><td>an edge's high-water mark on a partition is dropped
 *       (on the next assignment) once no batch of that edge was applied there for this long; keep it above the deltas
 *       topic's {@code retention.ms} (Kafka's default: 7 days)</td></tr>
 *   <tr><td>COUNT_STORE_TIMEOUT_MS</td><td>5000</td><td>longest a Redis call (connect, reply, free connection) is
 *       waited for; a commit that times out is retried (its offset check makes a copy that lands late harmless)
 *       until Redis answers, while the partition's records wait in Kafka</td></tr>
 *   <tr><td>COUNT_IDEMPOTENCY_TTL_S</td><td>86400</td><td>how long an Idempotency-Key keeps a retry from counting again</td></tr>
 *   <tr><td>COUNT_DOWNTIME_URL</td><td>none</td><td>downtime handler to report frontends and heartbeats to</td></tr>
 *   <tr><td>COUNT_INTERNAL_SECRET</td><td>none</td><td>shared secret sent on webhook and downtime-handler calls</td></tr>
 *   <tr><td>COUNT_FANOUT</td><td>true</td><td>run the live fan-out role (totals → SSE frontends)</td></tr>
 *   <tr><td>COUNT_COUNTER_OPTIONS</td><td>none (defaults)</td><td>sketch sizes and top-K windows per counter name,
 *       {@code views:lgk=13:topk=10:windows=1h+all} ({@link io.countctl.core.sketch.SketchSettings})</td></tr>
 *   <tr><td>COUNT_ROLE</td><td>worker</td><td>{@code worker}, or {@code region-merge}: then {@link WorkerMain} runs
 *       {@link io.countctl.worker.merge.RegionMerger} with {@link io.countctl.worker.merge.RegionMergeConfig}</td></tr>
 * </table>
 */
public record WorkerConfig(
    String cluster,
    String region,
    String kafkaBootstrap,
    URI redisUrl,
    int httpPort,
    String workerId,
    int partitions,
    short replication,
    int maxPollRecords,
    Duration idempotencyTtl,
    Optional<URI> downtimeUrl,
    String internalSecret,
    boolean fanout,
    io.countctl.core.sketch.SketchSettings sketches,
    String httpHost,
    Duration markRetention,
    Duration storeTimeout) {

  public static WorkerConfig from(Settings s) {
    if (Role.of(s) != Role.WORKER) {
      throw new ConfigException(Role.SETTING + "=" + Role.of(s).label() + " is configured by RegionMergeConfig, not WorkerConfig");
    }
    return new WorkerConfig(
        s.cluster(),
        s.string(Setting.REGION, "local"),
        s.required(Setting.KAFKA_BOOTSTRAP),
        s.redisUrl(),
        s.integer(Setting.HTTP_PORT, 8080, 0, 65535),
        s.string(Setting.WORKER_ID, defaultId()),
        s.integer(Setting.PARTITIONS, 8, 1, 10_000),
        (short) s.integer(Setting.REPLICATION, 1, 1, 10),
        s.integer(Setting.MAX_POLL_RECORDS, 2_000, 1, 100_000),
        Duration.ofSeconds(s.number(Setting.IDEMPOTENCY_TTL_S, 86_400, 1, 30L * 86_400)),
        s.get(Setting.DOWNTIME_URL).map(URI::create),
        s.string(Setting.INTERNAL_SECRET, ""),
        Boolean.parseBoolean(s.string(Setting.FANOUT, "true")),
        io.countctl.core.sketch.SketchSettings.parse(s.string(Setting.COUNTER_OPTIONS, "")),
        s.httpHost(),
        Duration.ofHours(s.number(Setting.MARK_RETENTION_H, 192, 1, 10L * 365 * 24)),
        s.millis(Setting.STORE_TIMEOUT_MS, 5_000, 10, 600_000));
  }

  private static String defaultId() {
    String h = System.getenv("HOSTNAME"); // the pod name on Kubernetes: the downtime handler watches pods by it
    return h != null && !h.isBlank() ? h : "worker-" + ProcessHandle.current().pid();
  }
}
