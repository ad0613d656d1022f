package io.countctl.api.config;

import static io.countctl.api.config.Component.CLI;
import static io.countctl.api.config.Component.DOWNTIME_HANDLER;
import static io.countctl.api.config.Component.EDGE;
import static io.countctl.api.config.Component.OPERATOR;
import static io.countctl.api.config.Component.REGION_MERGE;
import static io.countctl.api.config.Component.WORKER;
import static io.countctl.api.config.SettingUse.TUNING;
import static io.countctl.api.config.SettingUse.read;
import static io.countctl.api.config.SettingUse.required;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every {@code COUNT_*} setting of every component: its name (environment variable; the flag
 * {@code --flush-ms} names {@code COUNT_FLUSH_MS}), and for each component that reads it the default,
 * the meaning and whether the operator sets it. The one definition of these names: the components'
 * config records read them from here, the operator writes them from here, {@code
 * docs/configuration.md} is generated from here ({@link ConfigurationReference}), and tests check
 * that the operator sets exactly what the components it deploys read.
 */
public enum Setting {
  // --- the platform: shared by the components the operator deploys ---
  CLUSTER("COUNT_CLUSTER",
      read(EnumSet.of(EDGE, WORKER, REGION_MERGE, DOWNTIME_HANDLER), "count",
          "the platform's name (the DistributedCounter's): prefix of topics and Redis keys; the downtime handler"
              + " watches worker pods with this `app.kubernetes.io/instance` label")),
  REGION("COUNT_REGION",
      read(EnumSet.of(EDGE, WORKER, REGION_MERGE), "local",
          "the region this component serves; region merges send its entries under this name")),
  KAFKA_BOOTSTRAP("COUNT_KAFKA_BOOTSTRAP",
      required(EnumSet.of(EDGE, WORKER), "Kafka bootstrap servers, `host:port[,host:port…]`"),
      read(REGION_MERGE, "",
          "this region's Kafka: merged changes are published on `<cluster>.totals` so live streams show them;"
              + " without it they show with the counter's next local change")),
  REDIS_URL("COUNT_REDIS_URL",
      required(EnumSet.of(EDGE, WORKER, REGION_MERGE, DOWNTIME_HANDLER),
          "`redis://host:port` (or `rediss://`) of the region's Redis")),
  HTTP_PORT("COUNT_HTTP_PORT",
      read(EDGE, "8080", "public HTTP port: the counter API, health and metrics (0: any free port)"),
      read(EnumSet.of(WORKER, DOWNTIME_HANDLER), "8080", "HTTP port: health, metrics and (downtime handler) its API"
          + " (0: any free port)"),
      read(REGION_MERGE, "8080", "default of `COUNT_MERGE_PORT`"),
      read(OPERATOR, "8080", "`/healthz`, `/readyz`, `/metrics`")),
  HTTP_HOST("COUNT_HTTP_HOST",
      read(EnumSet.of(EDGE, WORKER, REGION_MERGE, DOWNTIME_HANDLER), "0.0.0.0",
          "address the HTTP servers bind (`countctl dev`: 127.0.0.1 unless `--host`)")
          .unmanaged("the default, every interface, is what a pod behind a Service needs")),
  PARTITIONS("COUNT_PARTITIONS",
      read(EnumSet.of(EDGE, WORKER, REGION_MERGE), "8",
          "partitions of the topics this component creates when they are missing")),
  REPLICATION("COUNT_REPLICATION",
      read(EnumSet.of(EDGE, WORKER, REGION_MERGE), "1", "replication factor of the topics it creates")),
  INTERNAL_SECRET("COUNT_INTERNAL_SECRET",
      read(EDGE, "",
          "shared secret every `/internal/*` call must carry in `X-Count-Secret` (constant-time compare);"
              + " without one every internal call gets 401"),
      read(WORKER, "", "shared secret sent on webhook and downtime-handler calls"),
      read(REGION_MERGE, "", "default of `COUNT_PEER_SECRET`"),
      required(EnumSet.of(DOWNTIME_HANDLER),
          "every POST and the worker listing must carry it in `X-Count-Secret`; the resubscribe calls to"
              + " frontends carry it too")),
  COUNTER_OPTIONS("COUNT_COUNTER_OPTIONS",
      read(EnumSet.of(EDGE, WORKER, REGION_MERGE), "",
          "sketch sizes and top-K windows per counter name, `name[:lgk=L][:topk=K][:windows=1h+all],…`;"
              + " names not listed take the defaults (the DistributedCounter's `spec.counters`)")),
  STORE_TIMEOUT_MS("COUNT_STORE_TIMEOUT_MS",
      read(EDGE, "1000",
          "longest a request waits for Redis (and the Redis client's connect, read and pool timeout); past it a"
              + " count is answered from the last total read plus this edge's writes since, marked"
              + " `Count-Stale: true`").unmanaged(TUNING),
      read(WORKER, "5000",
          "longest a Redis call is waited for; a commit that times out is retried until Redis answers while the"
              + " partition's records wait in Kafka").unmanaged(TUNING)),
  ROLE("COUNT_ROLE",
      read(WORKER, "worker", "what `worker.jar` runs: `worker`, or `region-merge`")
          .unmanaged("the default is the worker Deployment's role"),
      read(REGION_MERGE, "worker", "`region-merge` runs this role").computed()),

  // --- edge-node ---
  INTERNAL_PORT("COUNT_INTERNAL_PORT",
      read(EDGE, "0",
          "port of `/internal/*` (workers' totals webhook, the downtime handler's resubscribe calls), never behind"
              + " the public Service (0: any free port; the operator sets 8081)")),
  CORS_ORIGINS("COUNT_CORS_ORIGINS",
      read(EDGE, "",
          "origins whose pages may call the public API from a browser (CORS): `https://app.example,…`, or `*`"
              + " for any; none: no CORS headers at all (the DistributedCounter's `spec.edge.cors.allowedOrigins`;"
              + " `countctl dev`: `*` unless `--cors`)")),
  ACK_MODE("COUNT_ACK_MODE",
      read(EDGE, "durable", "`durable`: a write is answered once Kafka has it; `buffered`: at once")),
  FLUSH_MS("COUNT_FLUSH_MS",
      read(EDGE, "5 (durable), 1000 (buffered)", "flush interval").computed()),
  EDGE_ID("COUNT_EDGE_ID",
      read(EDGE, "host name-port-pid", "this edge's identity in batches (the operator: the pod name)").computed()),
  ADVERTISED_URL("COUNT_ADVERTISED_URL",
      read(EDGE, "http://host name:internal port",
          "where workers and the downtime handler reach this edge's `/internal/*`; must name the internal port")
          .computed()),
  MAX_BODY_BYTES("COUNT_MAX_BODY_BYTES",
      read(EDGE, "1048576", "larger `POST /v1/batch` (and webhook) bodies get 413").unmanaged(TUNING)),
  MAX_WRITE_BODY_BYTES("COUNT_MAX_WRITE_BODY_BYTES",
      read(EDGE, "4096", "larger `PUT /v1/{id}/{counter}` bodies get 413").unmanaged(TUNING)),
  MAX_HEADER_BYTES("COUNT_MAX_HEADER_BYTES",
      read(EDGE, "8192", "all request headers together; more gets 431").unmanaged(TUNING)),
  MAX_URL_BYTES("COUNT_MAX_URL_BYTES",
      read(EDGE, "4096", "the request line (method, path, query); longer gets 414").unmanaged(TUNING)),
  IDLE_TIMEOUT_MS("COUNT_IDLE_TIMEOUT_MS",
      read(EDGE, "60000",
          "a connection with no message read or written for this long is closed, an unfinished request head too;"
              + " must be above `COUNT_SSE_HEARTBEAT_MS`").unmanaged(TUNING)),
  REQUEST_READ_TIMEOUT_MS("COUNT_REQUEST_READ_TIMEOUT_MS",
      read(EDGE, "10000", "a request's body must have arrived this long after its head, else 408 (slowloris)")
          .unmanaged(TUNING)),
  MAX_CONNECTIONS("COUNT_MAX_CONNECTIONS",
      read(EDGE, "20000", "open connections on the public port; requests on more get 503 + Retry-After")
          .unmanaged(TUNING)),
  SSE_MAX_STREAMS("COUNT_SSE_MAX_STREAMS",
      read(EDGE, "15000", "open SSE streams (`/stream`, `/top/stream`); more get 503 + Retry-After")
          .unmanaged(TUNING)),
  SSE_MAX_OPENS_PER_MINUTE("COUNT_SSE_MAX_OPENS_PER_MINUTE",
      read(EDGE, "60", "streams one connection may open per minute; more get 429 + Retry-After").unmanaged(TUNING)),
  MAX_BATCH_WRITES("COUNT_MAX_BATCH_WRITES",
      read(EDGE, "10000", "most writes in one `POST /v1/batch`").unmanaged(TUNING)),
  MAX_PENDING_COUNTERS("COUNT_MAX_PENDING_COUNTERS",
      read(EDGE, "1000000", "unflushed counters held before writes get 503").unmanaged(TUNING)),
  MAX_KAFKA_STALL_MS("COUNT_MAX_KAFKA_STALL_MS",
      read(EDGE, "5000", "writes get 503 once Kafka has acknowledged nothing for this long").unmanaged(TUNING)),
  WRITE_TIMEOUT_MS("COUNT_WRITE_TIMEOUT_MS",
      read(EDGE, "10000", "durable mode: a write not confirmed by then gets 503").unmanaged(TUNING)),
  READ_CACHE_MS("COUNT_READ_CACHE_MS",
      read(EDGE, "250", "how long a total, a unique count or a top-K list read from Redis is served")
          .unmanaged(TUNING)),
  READ_CACHE_ENTRIES("COUNT_READ_CACHE_ENTRIES",
      read(EDGE, "100000", "most totals cached").unmanaged(TUNING)),
  EVENT_LOOPS("COUNT_EVENT_LOOPS",
      read(EDGE, "cores", "HTTP server instances (one per event loop)").computed().unmanaged(TUNING)),
  SSE_COALESCE_MS("COUNT_SSE_COALESCE_MS",
      read(EDGE, "25", "changes of a counter within this window make one SSE event").unmanaged(TUNING)),
  SSE_HEARTBEAT_MS("COUNT_SSE_HEARTBEAT_MS",
      read(EDGE, "15000", "SSE comment line sent this often to keep idle streams open").unmanaged(TUNING)),
  SSE_LEASE_MS("COUNT_SSE_LEASE_MS",
      read(EDGE, "5000",
          "watched counters' subscriptions are published again this often (bounds how long a stream can stay"
              + " stale after a fault)").unmanaged(TUNING)),
  SSE_MAX_COUNTERS("COUNT_SSE_MAX_COUNTERS",
      read(EDGE, "100", "most counters on one SSE stream").unmanaged(TUNING)),
  TOP_REFRESH_MS("COUNT_TOP_REFRESH_MS",
      read(EDGE, "500", "how often each watched top-K list (`/top/stream`) is read again from Redis")
          .unmanaged(TUNING)),
  TOP_MAX_STREAMS("COUNT_TOP_MAX_STREAMS",
      read(EDGE, "10000", "most `/top/stream` connections open at once; more get 503").unmanaged(TUNING)),

  // --- worker ---
  WORKER_ID("COUNT_WORKER_ID",
      read(WORKER, "$HOSTNAME (the pod name), else worker-pid",
          "this worker's identity for the downtime handler (the operator: the pod name)").computed()),
  MAX_POLL_RECORDS("COUNT_MAX_POLL_RECORDS",
      read(WORKER, "2000", "most batches reduced into one Redis commit per partition").unmanaged(TUNING)),
  MARK_RETENTION_H("COUNT_MARK_RETENTION_H",
      read(WORKER, "192",
          "an edge's high-water mark on a partition is dropped once no batch of that edge was applied there for"
              + " this long (8 days); keep it above the deltas topic's `retention.ms`").unmanaged(TUNING)),
  IDEMPOTENCY_TTL_S("COUNT_IDEMPOTENCY_TTL_S",
      read(WORKER, "86400", "how long an Idempotency-Key keeps a retry from counting again").unmanaged(TUNING)),
  DOWNTIME_URL("COUNT_DOWNTIME_URL",
      read(WORKER, "", "downtime handler to report frontends and heartbeats to")),
  FANOUT("COUNT_FANOUT",
      read(WORKER, "true", "run the live fan-out role (totals → SSE frontends)")
          .unmanaged("every operator-run worker fans out; tests turn it off")),

  // --- region merge ---
  MERGE_PORT("COUNT_MERGE_PORT",
      read(REGION_MERGE, "`COUNT_HTTP_PORT`", "where peers send state; health and metrics too").computed()
          .unmanaged("its default, `COUNT_HTTP_PORT`, is the port the operator sets; `countctl dev` sets it")),
  PEERS("COUNT_PEERS",
      read(REGION_MERGE, "", "`region=url,…`: the peers' region-merge endpoints (the DistributedCounter's"
          + " `spec.peers`)")),
  PEER_SECRET("COUNT_PEER_SECRET",
      read(REGION_MERGE, "`COUNT_INTERNAL_SECRET`",
          "shared by all regions; sent and required in `X-Count-Secret`; without one only loopback peers are"
              + " accepted (the DistributedCounter's `spec.peerSecretRef`)").computed(),
      read(CLI, "", "`countctl dev --peers`: the secret its region merge shares with the peers; unset: loopback"
          + " peers only")),
  MERGE_INTERVAL_MS("COUNT_MERGE_INTERVAL_MS",
      read(REGION_MERGE, "100", "how often an idle shipper looks for changes").unmanaged(TUNING)),
  MERGE_HEARTBEAT_MS("COUNT_MERGE_HEARTBEAT_MS",
      read(REGION_MERGE, "1000", "an empty shipment at least this often (last-heard times)").unmanaged(TUNING)),
  MERGE_BATCH("COUNT_MERGE_BATCH",
      read(REGION_MERGE, "1000", "most changed counters per shipment").unmanaged(TUNING)),
  MERGE_LOG_MAX("COUNT_MERGE_LOG_MAX",
      read(REGION_MERGE, "1000000",
          "change-log entries kept for a peer that is away; beyond, the peer catches up by a full scan")
          .unmanaged(TUNING)),
  MERGE_MAX_BODY_BYTES("COUNT_MERGE_MAX_BODY_BYTES",
      read(REGION_MERGE, "16777216", "largest shipment a peer may send").unmanaged(TUNING)),

  // --- downtime handler ---
  NAMESPACE("COUNT_NAMESPACE",
      read(DOWNTIME_HANDLER, "the pod's namespace, else `default`", "namespace of the worker pods watched")
          .computed().unmanaged("the default, its own namespace, is where the operator runs the workers")),
  POD_WATCH("COUNT_POD_WATCH",
      read(DOWNTIME_HANDLER, "true in Kubernetes, else false",
          "watch worker pods through the Kubernetes API on top of the workers' heartbeats").computed()),
  HEARTBEAT_TIMEOUT_MS("COUNT_HEARTBEAT_TIMEOUT_MS",
      read(DOWNTIME_HANDLER, "10000",
          "a worker that has sent heartbeats and then sends none for this long is dead").unmanaged(TUNING)),
  FRONTEND_ALLOW("COUNT_FRONTEND_ALLOW",
      read(DOWNTIME_HANDLER, "loopback,private,.svc,.cluster.local",
          "which frontend URLs `/store` may register, since the handler later POSTs to them")
          .unmanaged("the default, the cluster's own address space, is where the operator runs the edges")),

  // --- operator (set by the Helm chart) ---
  WATCH_NAMESPACES("COUNT_WATCH_NAMESPACES",
      read(OPERATOR, "", "comma-separated namespaces whose DistributedCounters are reconciled; none: all")),
  LEADER_ELECTION("COUNT_LEADER_ELECTION",
      read(OPERATOR, "true in a cluster", "take a Lease so only one replica reconciles").computed()),
  LEASE_NAME("COUNT_LEASE_NAME", read(OPERATOR, "count-operator", "name of that Lease")),
  LEASE_NAMESPACE("COUNT_LEASE_NAMESPACE",
      read(OPERATOR, "the pod's namespace", "namespace of that Lease").computed()),
  LEASE_IDENTITY("COUNT_LEASE_IDENTITY",
      read(OPERATOR, "$HOSTNAME (the pod name)", "who holds the Lease").computed()),
  EXIT_ON_LOST_LEASE("COUNT_EXIT_ON_LOST_LEASE",
      read(OPERATOR, "true",
          "exit when leadership is lost (the pod restarts and waits as a follower), so two replicas never"
              + " reconcile at once")),
  IMAGE_REGISTRY("COUNT_IMAGE_REGISTRY", read(OPERATOR, "ghcr.io/countctl", "default registry of component images")),
  IMAGE_TAG("COUNT_IMAGE_TAG", read(OPERATOR, "0.1.0", "default tag of component images")),
  IMAGE_PULL_POLICY("COUNT_IMAGE_PULL_POLICY", read(OPERATOR, "IfNotPresent", "default pull policy")),

  // --- countctl ---
  URL("COUNT_URL",
      read(CLI, "http://localhost:8080", "the edge the data commands (`get`, `inc`, `watch`, `top`, `bench` …) call"));

  private final String key;
  private final List<SettingUse> uses;

  Setting(String key, SettingUse... uses) {
    this.key = key;
    this.uses = List.of(uses);
  }

  /** The environment variable, e.g. {@code COUNT_FLUSH_MS}. */
  public String key() {
    return key;
  }

  /** Every way it is read, in the order of the table. */
  public List<SettingUse> uses() {
    return uses;
  }

  /** How {@code component} reads it, if it does. */
  public Optional<SettingUse> useBy(Component component) {
    return uses.stream().filter(u -> u.readers().contains(component)).findFirst();
  }

  public boolean readBy(Component component) {
    return useBy(component).isPresent();
  }

  /** Every component that reads it. */
  public Set<Component> readers() {
    EnumSet<Component> all = EnumSet.noneOf(Component.class);
    uses.forEach(u -> all.addAll(u.readers()));
    return all;
  }

  /** The settings {@code component} reads. */
  public static List<Setting> allReadBy(Component component) {
    return Arrays.stream(values()).filter(s -> s.readBy(component)).toList();
  }

  /** The setting named {@code key}, if there is one. */
  public static Optional<Setting> named(String key) {
    return Arrays.stream(values()).filter(s -> s.key.equals(key)).findFirst();
  }
}
