package io.countctl.edge;

import io.countctl.api.config.AckMode;
import io.countctl.api.config.Setting;
import io.countctl.core.config.ConfigException;
import io.countctl.core.config.Settings;
import io.countctl.core.sketch.SketchSettings;
import io.countctl.edge.http.CorsPolicy;
import io.countctl.edge.http.HttpLimits;
import java.net.URI;
import java.time.Duration;

/**
 * Everything an edge node is configured with, parsed from {@link Settings} in {@link #from}.
 *
 * <table>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>COUNT_CLUSTER</td><td>count</td><td>topic and key prefix (the DistributedCounter's name)</td></tr>
 *   <tr><td>COUNT_REGION</td><td>local</td><td>region this edge serves</td></tr>
 *   <tr><td>COUNT_KAFKA_BOOTSTRAP</td><td>required</td><td>Kafka bootstrap servers</td></tr>
 *   <tr><td>COUNT_REDIS_URL</td><td>required</td><td>{@code redis://host:port} of the region's Redis</td></tr>
 *   <tr><td>COUNT_HTTP_PORT</td><td>8080</td><td>public HTTP port (0: any free port)</td></tr>
 *   <tr><td>COUNT_INTERNAL_PORT</td><td>0 (any free port)</td><td>port of {@code /internal/*} (workers' totals webhook,
 *       the downtime handler's resubscribe calls); never behind the public Service. The operator sets 8081</td></tr>
 *   <tr><td>COUNT_HTTP_HOST</td><td>0.0.0.0</td><td>address both HTTP servers bind ({@code countctl dev}: 127.0.0.1)</td></tr>
 *   <tr><td>COUNT_ACK_MODE</td><td>durable</td><td>{@code durable}: answer once Kafka has the write; {@code buffered}: at once</td></tr>
 *   <tr><td>COUNT_FLUSH_MS</td><td>5 (durable), 1000 (buffered)</td><td>flush interval</td></tr>
 *   <tr><td>COUNT_EDGE_ID</td><td>host name + port</td><td>this edge's identity in batches</td></tr>
 *   <tr><td>COUNT_PARTITIONS</td><td>8</td><td>partitions of topics this edge creates when missing</td></tr>
 *   <tr><td>COUNT_REPLICATION</td><td>1</td><td>replication factor of topics it creates</td></tr>
 *   <tr><td>COUNT_MAX_BODY_BYTES</td><td>1048576</td><td>larger {@code POST /v1/batch} (and webhook) bodies get 413</td></tr>
 *   <tr><td>COUNT_MAX_WRITE_BODY_BYTES</td><td>4096</td><td>larger {@code PUT /v1/{id}/{counter}} bodies get 413</td></tr>
 *   <tr><td>COUNT_MAX_HEADER_BYTES</td><td>8192</td><td>all request headers together; more gets 431</td></tr>
 *   <tr><td>COUNT_MAX_URL_BYTES</td><td>4096</td><td>the request line (method, path, query); longer gets 414</td></tr>
 *   <tr><td>COUNT_IDLE_TIMEOUT_MS</td><td>60000</td><td>a connection with no message read or written for this long is
 *       closed; a request head not finished by then too (Vert.x counts decoded messages, so a head dribbled a byte at a
 *       time is silence). Above COUNT_SSE_HEARTBEAT_MS, so idle streams stay open</td></tr>
 *   <tr><td>COUNT_REQUEST_READ_TIMEOUT_MS</td><td>10000</td><td>a request's body must have arrived this long after its head
 *       (slowloris); else 408 and the connection is closed</td></tr>
 *   <tr><td>COUNT_MAX_CONNECTIONS</td><td>20000</td><td>open connections on the public port; requests on more get 503 + Retry-After</td></tr>
 *   <tr><td>COUNT_SSE_MAX_STREAMS</td><td>15000</td><td>open SSE streams ({@code /stream}, {@code /top/stream}; about 7 KB of
 *       heap each, bench/RESULTS.md "SSE: memory and latency"); more get 503 + Retry-After. For 100 000 raise it and
 *       COUNT_MAX_CONNECTIONS, give the heap ≥ 1 GB and the process a file limit above the connections</td></tr>
 *   <tr><td>COUNT_SSE_MAX_OPENS_PER_MINUTE</td><td>60</td><td>streams one connection may open per minute (each open and close
 *       is a subscription change in Kafka; HTTP/2 can open and reset many on one connection); more get 429 + Retry-After</td></tr>
 *   <tr><td>COUNT_MAX_BATCH_WRITES</td><td>10000</td><td>most writes in one {@code POST /v1/batch}</td></tr>
 *   <tr><td>COUNT_MAX_PENDING_COUNTERS</td><td>1000000</td><td>unflushed counters held before writes get 503</td></tr>
 *   <tr><td>COUNT_MAX_KAFKA_STALL_MS</td><td>5000</td><td>writes get 503 once Kafka has acknowledged nothing for this long</td></tr>
 *   <tr><td>COUNT_WRITE_TIMEOUT_MS</td><td>10000</td><td>durable mode: a write not confirmed by then gets 503</td></tr>
 *   <tr><td>COUNT_READ_CACHE_MS</td><td>250</td><td>how long a total, a unique count or a top-K list read from Redis is served</td></tr>
 *   <tr><td>COUNT_STORE_TIMEOUT_MS</td><td>1000</td><td>longest a request waits for Redis (and the Redis client's
 *       connect, read and pool timeout); past it a count is answered from the last total read plus this edge's
 *       writes since, marked stale ({@code Count-Stale: true}), and while Redis stays down at once</td></tr>
 *   <tr><td>COUNT_READ_CACHE_ENTRIES</td><td>100000</td><td>most totals cached</td></tr>
 *   <tr><td>COUNT_EVENT_LOOPS</td><td>cores</td><td>HTTP server instances (one per event loop). One per core: the
 *       loops never block, so more of them only take turns on the same cores (bench/RESULTS.md, "Edge write and read
 *       path: profile")</td></tr>
 *   <tr><td>COUNT_ADVERTISED_URL</td><td>http://host name:internal port</td><td>where workers and the downtime handler reach
 *       this edge's {@code /internal/*} (published with its subscriptions); must name the internal port</td></tr>
 *   <tr><td>COUNT_INTERNAL_SECRET</td><td>none</td><td>shared secret every {@code /internal/*} call must carry in
 *       {@code X-Count-Secret} (constant-time compare). Without one every internal call gets 401 (the operator and
 *       {@code countctl dev} always set one)</td></tr>
 *   <tr><td>COUNT_SSE_COALESCE_MS</td><td>25</td><td>changes of a counter within this window make one SSE event</td></tr>
 *   <tr><td>COUNT_SSE_HEARTBEAT_MS</td><td>15000</td><td>SSE comment line sent this often to keep idle streams open</td></tr>
 *   <tr><td>COUNT_SSE_LEASE_MS</td><td>5000</td><td>watched counters' subscriptions are published again this often
 *       (a worker that dropped this edge learns them back; bounds how long a stream can stay stale after a fault)</td></tr>
 *   <tr><td>COUNT_SSE_MAX_COUNTERS</td><td>100</td><td>most counters on one SSE stream</td></tr>
 *   <tr><td>COUNT_COUNTER_OPTIONS</td><td>none</td><td>sketch sizes and top-K windows per counter name,
 *       {@code name[:lgk=L][:topk=K][:windows=1h+all],…} ({@link SketchSettings}; set by the operator, the
 *       workers read the same value); unique and top reads are sized by it, and {@code k} is bounded by topk</td></tr>
 *   <tr><td>COUNT_TOP_REFRESH_MS</td><td>500</td><td>how often each watched top-K list ({@code /top/stream}) is read
 *       again from Redis</td></tr>
 *   <tr><td>COUNT_CORS_ORIGINS</td><td>none</td><td>origins whose pages may call the public API from a browser
 *       ({@link CorsPolicy}, {@link io.countctl.edge.http.CrossOrigin}): a comma list or {@code *}; none: no CORS headers</td></tr>
 *   <tr><td>COUNT_TOP_MAX_STREAMS</td><td>10000</td><td>most {@code /top/stream} connections open at once; more get 503</td></tr>
 * </table>
 */
public record EdgeConfig(
    String cluster,
    String region,
    String kafkaBootstrap,
    URI redisUrl,
    int httpPort,
    int internalPort,
    AckMode ackMode,
    Duration flushInterval,
    String edgeId,
    int partitions,
    short replication,
    HttpLimits limits,
    int maxBatchWrites,
    int maxPendingCounters,
    Duration maxKafkaStall,
    Duration writeTimeout,
    Duration readCacheTtl,
    int readCacheEntries,
    int eventLoops,
    String advertisedUrl,
    String internalSecret,
    long sseCoalesceMs,
    long sseHeartbeatMs,
    long sseLeaseMs,
    int sseMaxCounters,
    SketchSettings sketches,
    long topRefreshMs,
    int topMaxStreams,
    String httpHost,
    Duration storeTimeout,
    CorsPolicy cors) {

  /** The same configuration on these ports (port 0 is resolved before the servers start). */
  public EdgeConfig withPorts(int newHttpPort, int newInternalPort) {
    return new EdgeConfig(cluster, region, kafkaBootstrap, redisUrl, newHttpPort, newInternalPort, ackMode, flushInterval,
        edgeId, partitions, replication, limits, maxBatchWrites, maxPendingCounters, maxKafkaStall, writeTimeout,
        readCacheTtl, readCacheEntries, eventLoops, advertisedUrl, internalSecret, sseCoalesceMs, sseHeartbeatMs,
        sseLeaseMs, sseMaxCounters, sketches, topRefreshMs, topMaxStreams, httpHost, storeTimeout, cors);
  }

  /**
   * The URL workers and the downtime handler call this edge's {@code /internal/*} at: {@code
   * COUNT_ADVERTISED_URL}, or this host's name and the internal port.
   */
  public String callbackUrl() {
    return advertisedUrl.isEmpty() ? "http://" + hostName() + ":" + internalPort : advertisedUrl;
  }

  public static EdgeConfig from(Settings s) {
    AckMode mode = s.choice(Setting.ACK_MODE, AckMode.DURABLE);
    int port = s.integer(Setting.HTTP_PORT, 8080, 0, 65535);
    long heartbeatMs = s.number(Setting.SSE_HEARTBEAT_MS, 15_000, 100, 600_000);
    Duration idle = s.millis(Setting.IDLE_TIMEOUT_MS, 60_000, 1_000, 3_600_000);
    if (idle.toMillis() <= heartbeatMs) {
      throw new ConfigException(Setting.IDLE_TIMEOUT_MS.key() + " (" + idle.toMillis() + ") must be above "
          + Setting.SSE_HEARTBEAT_MS.key() + " ("
          + heartbeatMs + "), or idle SSE streams would be closed between heartbeats");
    }
    HttpLimits limits = new HttpLimits(
        s.integer(Setting.MAX_WRITE_BODY_BYTES, 4096, 256, 1 << 20),
        s.integer(Setting.MAX_BODY_BYTES, 1 << 20, 1024, 64 << 20),
        s.integer(Setting.MAX_HEADER_BYTES, 8192, 1024, 1 << 20),
        s.integer(Setting.MAX_URL_BYTES, 4096, 256, 1 << 20),
        idle,
        s.millis(Setting.REQUEST_READ_TIMEOUT_MS, 10_000, 100, 600_000),
        s.integer(Setting.MAX_CONNECTIONS, 20_000, 1, 10_000_000),
        s.integer(Setting.SSE_MAX_STREAMS, 15_000, 1, 10_000_000),
        s.integer(Setting.SSE_MAX_OPENS_PER_MINUTE, 60, 1, 1_000_000));
    return new EdgeConfig(
        s.cluster(),
        s.string(Setting.REGION, "local"),
        s.required(Setting.KAFKA_BOOTSTRAP),
        s.redisUrl(),
        port,
        s.integer(Setting.INTERNAL_PORT, 0, 0, 65535),
        mode,
        s.millis(Setting.FLUSH_MS, mode.defaultFlushMs(), 1, 60_000),
        s.string(Setting.EDGE_ID, hostName() + "-" + port + "-" + ProcessHandle.current().pid()),
        s.integer(Setting.PARTITIONS, 8, 1, 10_000),
        (short) s.integer(Setting.REPLICATION, 1, 1, 10),
        limits,
        s.integer(Setting.MAX_BATCH_WRITES, 10_000, 1, 1_000_000),
        s.integer(Setting.MAX_PENDING_COUNTERS, 1_000_000, 1, 100_000_000),
        s.millis(Setting.MAX_KAFKA_STALL_MS, 5_000, 100, 600_000),
        s.millis(Setting.WRITE_TIMEOUT_MS, 10_000, 100, 600_000),
        s.millis(Setting.READ_CACHE_MS, 250, 1, 60_000),
        s.integer(Setting.READ_CACHE_ENTRIES, 100_000, 1, 100_000_000),
        s.integer(Setting.EVENT_LOOPS, Runtime.getRuntime().availableProcessors(), 1, 256),
        s.string(Setting.ADVERTISED_URL, ""),
        s.string(Setting.INTERNAL_SECRET, ""),
        s.number(Setting.SSE_COALESCE_MS, 25, 1, 10_000),
        heartbeatMs,
        s.number(Setting.SSE_LEASE_MS, 5_000, 100, 600_000),
        s.integer(Setting.SSE_MAX_COUNTERS, 100, 1, 10_000),
        SketchSettings.parse(s.string(Setting.COUNTER_OPTIONS, "")),
        s.number(Setting.TOP_REFRESH_MS, 500, 10, 60_000),
        s.integer(Setting.TOP_MAX_STREAMS, 10_000, 1, 1_000_000),
        s.httpHost(),
        s.millis(Setting.STORE_TIMEOUT_MS, 1_000, 10, 60_000),
        CorsPolicy.parse(Setting.CORS_ORIGINS.key(), s.string(Setting.CORS_ORIGINS, "")));
  }

  private static String hostName() {
    String h = System.getenv("HOSTNAME");
    if (h != null && !h.isBlank()) {
      return h;
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "edge";
    }
  }
}
