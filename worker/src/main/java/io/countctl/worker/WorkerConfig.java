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
 * <p>Every setting it reads, with its default and meaning, is listed in {@link Setting} (readers
 * {@code WORKER}) and in docs/configuration.md, generated from there. {@code COUNT_ROLE} ({@link Role})
 * picks this or the region-merge role ({@link io.countctl.worker.merge.RegionMergeConfig}).
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
