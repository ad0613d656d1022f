package io.countctl.operator.reconcile;

/**
 * Names of the settings the operator writes into the platform's ConfigMap; the components read the
 * same names (DESIGN §3, "Processes and configuration").
 */
public final class PlatformSettings {
  public static final String CLUSTER = "COUNT_CLUSTER";
  public static final String REGION = "COUNT_REGION";
  public static final String KAFKA_BOOTSTRAP = "COUNT_KAFKA_BOOTSTRAP";
  public static final String REDIS_URL = "COUNT_REDIS_URL";
  public static final String HTTP_PORT = "COUNT_HTTP_PORT";
  public static final String FLUSH_MS = "COUNT_FLUSH_MS";
  public static final String ACK_MODE = "COUNT_ACK_MODE";
  public static final String DOWNTIME_URL = "COUNT_DOWNTIME_URL";
  public static final String PEERS = "COUNT_PEERS";
  public static final String PARTITIONS = "COUNT_PARTITIONS";
  public static final String REPLICATION = "COUNT_REPLICATION";
  public static final String INTERNAL_SECRET = "COUNT_INTERNAL_SECRET";
  /** The secret regions authenticate merges with; the region merge falls back to the internal secret. */
  public static final String PEER_SECRET = "COUNT_PEER_SECRET";
  public static final String POD_WATCH = "COUNT_POD_WATCH";
  public static final String ROLE = "COUNT_ROLE";
  public static final String WORKER_ID = "COUNT_WORKER_ID";
  public static final String EDGE_ID = "COUNT_EDGE_ID";
  public static final String ADVERTISED_URL = "COUNT_ADVERTISED_URL";
  /** The edge's port for {@code /internal/*} (workers' webhook, the downtime handler's resubscribe). */
  public static final String INTERNAL_PORT = "COUNT_INTERNAL_PORT";
  /**
   * Per-counter sketch options, {@code likes,views:lgk=13:topk=10:windows=1h+all}; names not listed
   * take the defaults. Parsed by {@code io.countctl.core.sketch.SketchSettings}.
   */
  public static final String COUNTER_OPTIONS = "COUNT_COUNTER_OPTIONS";

  /** The port every component serves HTTP (API, health, metrics) on inside its pod. */
  public static final int PORT = 8080;

  /**
   * The edge's internal port ({@code /internal/*}): a container port reached by pod IP, behind no
   * Service, so the edge Service (what applications reach) never exposes it.
   */
  public static final int EDGE_INTERNAL_PORT = 8081;

  private PlatformSettings() {
  }
}
