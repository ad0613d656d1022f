package io.countctl.downtime;

import io.countctl.api.config.Setting;
import io.countctl.core.config.ConfigException;
import io.countctl.core.config.Settings;
import io.countctl.downtime.http.FrontendAllowList;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Configuration of the downtime handler, read from {@link Settings} (environment, then flags) in one
 * place.
 *
 * @param cluster {@code COUNT_CLUSTER}: the DistributedCounter's name; prefix of the Redis keys and
 *     value of the {@code app.kubernetes.io/instance} label of the worker pods watched (default
 *     {@code count})
 * @param redisUrl {@code COUNT_REDIS_URL} (required): where the worker → frontends table lives, e.g.
 *     {@code redis://redis:6379}; kept there so the handler survives its own restart
 * @param httpPort {@code COUNT_HTTP_PORT}: port of the HTTP API (default 8080, 0 = any free port)
 * @param httpHost {@code COUNT_HTTP_HOST}: address the HTTP API binds (default {@code 0.0.0.0}, every
 *     interface, as a pod behind a Service needs; {@code countctl dev}: {@code 127.0.0.1})
 * @param namespace {@code COUNT_NAMESPACE}: namespace of the worker pods (default: the handler's own
 *     namespace from the service account, else {@code default})
 * @param podWatch {@code COUNT_POD_WATCH}: watch worker pods through the Kubernetes API (default true
 *     inside Kubernetes, i.e. when {@code KUBERNETES_SERVICE_HOST} is set, else false)
 * @param heartbeatTimeout {@code COUNT_HEARTBEAT_TIMEOUT_MS}: a worker that has sent heartbeats and
 *     then sends none for this long is dead (default 10000, checked every second)
 * @param internalSecret {@code COUNT_INTERNAL_SECRET} (required): every POST and the worker listing
 *     must carry it in {@code X-Count-Secret} (compared in constant time), and the resubscribe calls
 *     to frontends carry it too; the operator generates it, {@code countctl dev} too
 * @param frontendAllowList {@code COUNT_FRONTEND_ALLOW}: which frontend URLs {@code /store} may
 *     register, since the handler later POSTs to them (default
 *     {@value io.countctl.downtime.http.FrontendAllowList#DEFAULT}: the cluster's own address space;
 *     see {@link FrontendAllowList})
 */
public record DowntimeConfig(
    String cluster,
    URI redisUrl,
    int httpPort,
    String httpHost,
    String namespace,
    boolean podWatch,
    Duration heartbeatTimeout,
    String internalSecret,
    FrontendAllowList frontendAllowList) {

  public static final String NAMESPACE = Setting.NAMESPACE.key();
  public static final String POD_WATCH = Setting.POD_WATCH.key();
  public static final String HEARTBEAT_TIMEOUT_MS = Setting.HEARTBEAT_TIMEOUT_MS.key();
  public static final String INTERNAL_SECRET = Setting.INTERNAL_SECRET.key();
  public static final String FRONTEND_ALLOW = Setting.FRONTEND_ALLOW.key();

  /** Where Kubernetes mounts the pod's namespace. */
  static final Path SERVICE_ACCOUNT_NAMESPACE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  public DowntimeConfig {
    if (httpPort < 0 || httpPort > 65535) {
      throw new ConfigException(Settings.HTTP_PORT + " must be between 0 and 65535, got " + httpPort);
    }
    if (heartbeatTimeout.isNegative() || heartbeatTimeout.isZero()) {
      throw new ConfigException(HEARTBEAT_TIMEOUT_MS + " must be positive");
    }
    if (internalSecret == null || internalSecret.isBlank()) {
      // Without it anyone who reaches the port could register URLs the handler will POST to.
      throw new ConfigException(INTERNAL_SECRET + " is required: the shared secret workers send in X-Count-Secret");
    }
  }

  /** From the settings and this process's environment (Kubernetes detection, service account). */
  public static DowntimeConfig from(Settings settings) {
    return from(settings, System.getenv(), SERVICE_ACCOUNT_NAMESPACE);
  }

  /**
   * @param env the process environment, consulted only for {@code KUBERNETES_SERVICE_HOST}
   * @param namespaceFile the service account's namespace file, used when {@code COUNT_NAMESPACE} is unset
   */
  public static DowntimeConfig from(Settings settings, Map<String, String> env, Path namespaceFile) {
    boolean inKubernetes = env.get("KUBERNETES_SERVICE_HOST") != null && !env.get("KUBERNETES_SERVICE_HOST").isBlank();
    return new DowntimeConfig(
        settings.cluster(),
        redisUrl(settings.required(Settings.REDIS_URL)),
        settings.integer(Settings.HTTP_PORT, 8080, 0, 65535),
        settings.httpHost(),
        settings.get(NAMESPACE).orElseGet(() -> ownNamespace(namespaceFile)),
        bool(settings, POD_WATCH, inKubernetes),
        settings.millis(HEARTBEAT_TIMEOUT_MS, 10_000, 100, 3_600_000),
        settings.get(INTERNAL_SECRET).orElse(""),
        FrontendAllowList.parse(FRONTEND_ALLOW, settings.string(FRONTEND_ALLOW, FrontendAllowList.DEFAULT)));
  }

  /** A copy listening on another port; tests use 0. */
  public DowntimeConfig withHttpPort(int port) {
    return new DowntimeConfig(cluster, redisUrl, port, httpHost, namespace, podWatch, heartbeatTimeout, internalSecret,
        frontendAllowList);
  }

  private static URI redisUrl(String value) {
    URI uri;
    try {
      uri = URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(Settings.REDIS_URL + " must be a URL like redis://host:6379, got '" + value + "'");
    }
    if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new ConfigException(Settings.REDIS_URL + " must be a URL like redis://host:6379, got '" + value + "'");
    }
    return uri;
  }

  private static boolean bool(Settings settings, String name, boolean fallback) {
    return settings.get(name).map(v -> switch (v.toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw new ConfigException(name + " must be true or false, got '" + v + "'");
    }).orElse(fallback);
  }

  private static String ownNamespace(Path file) {
    try {
      String ns = Files.readString(file).trim();
      return ns.isEmpty() ? "default" : ns;
    } catch (IOException | SecurityException e) {
      return "default"; // not in a pod: the file is absent
    }
  }
}
