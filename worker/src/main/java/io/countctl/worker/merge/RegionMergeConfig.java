package io.countctl.worker.merge;

import io.countctl.api.config.Setting;
import io.countctl.core.config.ConfigException;
import io.countctl.core.config.Settings;
import io.countctl.core.store.RegionEntry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the region-merge role ({@code COUNT_ROLE=region-merge}) is configured with, parsed in
 * {@link #from}.
 *
 * <p>Every setting it reads, with its default and meaning, is listed in {@link Setting} (readers
 * {@code REGION_MERGE}) and in docs/configuration.md, generated from there.
 */
public record RegionMergeConfig(
    String cluster,
    String region,
    URI redisUrl,
    Optional<String> kafkaBootstrap,
    int partitions,
    short replication,
    int port,
    List<Peer> peers,
    String secret,
    Duration interval,
    Duration heartbeat,
    int batch,
    long logMax,
    int maxBodyBytes,
    io.countctl.core.sketch.SketchSettings sketches,
    String httpHost) {

  public RegionMergeConfig {
    peers = List.copyOf(peers);
  }

  public static RegionMergeConfig from(Settings s) {
    String region = s.string(Setting.REGION, "local");
    if (!RegionEntry.validRegion(region)) {
      throw new ConfigException(Settings.REGION + "=" + region + " is not a valid region name (lower-case letters, digits, '-')");
    }
    int httpPort = s.integer(Setting.HTTP_PORT, 8080, 0, 65535);
    return new RegionMergeConfig(
        s.cluster(),
        region,
        s.redisUrl(),
        s.get(Setting.KAFKA_BOOTSTRAP).filter(b -> !b.isBlank()),
        s.integer(Setting.PARTITIONS, 8, 1, 10_000),
        (short) s.integer(Setting.REPLICATION, 1, 1, 10),
        s.integer(Setting.MERGE_PORT, httpPort, 0, 65535),
        peers(s.string(Setting.PEERS, ""), region),
        s.string(Setting.PEER_SECRET, s.string(Setting.INTERNAL_SECRET, "")),
        s.millis(Setting.MERGE_INTERVAL_MS, 100, 1, 60_000),
        s.millis(Setting.MERGE_HEARTBEAT_MS, 1_000, 10, 600_000),
        s.integer(Setting.MERGE_BATCH, 1_000, 1, 100_000),
        s.number(Setting.MERGE_LOG_MAX, 1_000_000, 1, Long.MAX_VALUE),
        s.integer(Setting.MERGE_MAX_BODY_BYTES, 16 << 20, 1024, Integer.MAX_VALUE),
        io.countctl.core.sketch.SketchSettings.parse(s.string(Setting.COUNTER_OPTIONS, "")),
        s.httpHost());
  }

  /** {@code us=http://host:port,ap=https://…}; a peer named like this region is refused. */
  static List<Peer> peers(String text, String ownRegion) {
    List<Peer> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(Settings.PEERS + ": expected region=url, got '" + p + "'");
      }
      String name = p.substring(0, eq).trim();
      String url = p.substring(eq + 1).trim();
      if (!RegionEntry.validRegion(name)) {
        throw new ConfigException(Settings.PEERS + ": '" + name + "' is not a valid region name");
      }
      if (name.equals(ownRegion)) {
        throw new ConfigException(Settings.PEERS + ": peer '" + name + "' has this region's own name");
      }
      if (!names.add(name)) {
        throw new ConfigException(Settings.PEERS + ": region '" + name + "' is listed twice");
      }
      URI uri;
      try {
        uri = URI.create(url);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(Settings.PEERS + ": bad URL for " + name + ": " + url);
      }
      if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
        throw new ConfigException(Settings.PEERS + ": URL for " + name + " must be http(s)://host[:port], got " + url);
      }
      out.add(new Peer(name, uri));
    }
    return out;
  }
}
