package io.countctl.core.config;

import io.countctl.api.config.Setting;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Raw configuration of a component: environment variables ({@code COUNT_FLUSH_MS}) overlaid by
 * command-line flags ({@code --flush-ms=5} or {@code --flush-ms 5}), which name the same setting.
 * Each component turns this into its own config record in one place and fails fast, naming the
 * setting, when a value is bad.
 */
public final class Settings {
  // The names are defined in io.countctl.api.config.Setting; these aliases serve the many callers
  // that build a component's settings as a map.
  public static final String CLUSTER = Setting.CLUSTER.key();
  public static final String REGION = Setting.REGION.key();
  public static final String KAFKA_BOOTSTRAP = Setting.KAFKA_BOOTSTRAP.key();
  public static final String REDIS_URL = Setting.REDIS_URL.key();
  public static final String HTTP_PORT = Setting.HTTP_PORT.key();
  public static final String HTTP_HOST = Setting.HTTP_HOST.key();
  public static final String FLUSH_MS = Setting.FLUSH_MS.key();
  public static final String ACK_MODE = Setting.ACK_MODE.key();
  public static final String DOWNTIME_URL = Setting.DOWNTIME_URL.key();
  public static final String PEERS = Setting.PEERS.key();

  private final Map<String, String> values;

  private Settings(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  public static Settings of(Map<String, String> values) {
    return new Settings(values);
  }

  /** Environment first, then flags: {@code --kafka-bootstrap=x} sets {@code COUNT_KAFKA_BOOTSTRAP}. */
  public static Settings fromEnvAndArgs(Map<String, String> env, String[] args) {
    Map<String, String> merged = new HashMap<>();
    env.forEach((k, v) -> {
      if (k.startsWith("COUNT_")) {
        merged.put(k, v);
      }
    });
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new ConfigException("unexpected argument '" + a + "': flags look like --flush-ms=5");
      }
      String name;
      String value;
      int eq = a.indexOf('=');
      if (eq > 0) {
        name = a.substring(2, eq);
        value = a.substring(eq + 1);
      } else if (i + 1 < args.length) {
        name = a.substring(2);
        value = args[++i];
      } else {
        throw new ConfigException("flag " + a + " needs a value");
      }
      merged.put(envName(name), value);
    }
    return new Settings(merged);
  }

  /** {@code flush-ms} → {@code COUNT_FLUSH_MS}. */
  public static String envName(String flag) {
    return "COUNT_" + flag.replace('-', '_').toUpperCase(Locale.ROOT);
  }

  public Optional<String> get(String name) {
    String v = values.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  public String string(String name, String fallback) {
    return get(name).orElse(fallback);
  }

  public String required(String name) {
    return get(name).orElseThrow(() -> new ConfigException(name + " is required"));
  }

  public int integer(String name, int fallback, int min, int max) {
    return (int) number(name, fallback, min, max);
  }

  public long number(String name, long fallback, long min, long max) {
    Optional<String> v = get(name);
    if (v.isEmpty()) {
      return fallback;
    }
    long n;
    try {
      n = Long.parseLong(v.get());
    } catch (NumberFormatException e) {
      throw new ConfigException(name + " must be a whole number, got '" + v.get() + "'");
    }
    if (n < min || n > max) {
      throw new ConfigException(name + " must be between " + min + " and " + max + ", got " + n);
    }
    return n;
  }

  public Duration millis(String name, long fallbackMs, long minMs, long maxMs) {
    return Duration.ofMillis(number(name, fallbackMs, minMs, maxMs));
  }

  public <E extends Enum<E>> E choice(String name, E fallback) {
    Optional<String> v = get(name);
    if (v.isEmpty()) {
      return fallback;
    }
    for (E e : fallback.getDeclaringClass().getEnumConstants()) {
      if (e.name().equalsIgnoreCase(v.get().replace('-', '_'))) {
        return e;
      }
    }
    throw new ConfigException(name + " must be one of "
        + java.util.Arrays.toString(fallback.getDeclaringClass().getEnumConstants()).toLowerCase(Locale.ROOT)
        + ", got '" + v.get() + "'");
  }

  public Optional<String> get(Setting setting) {
    return get(setting.key());
  }

  public String string(Setting setting, String fallback) {
    return string(setting.key(), fallback);
  }

  public String required(Setting setting) {
    return required(setting.key());
  }

  public int integer(Setting setting, int fallback, int min, int max) {
    return integer(setting.key(), fallback, min, max);
  }

  public long number(Setting setting, long fallback, long min, long max) {
    return number(setting.key(), fallback, min, max);
  }

  public Duration millis(Setting setting, long fallbackMs, long minMs, long maxMs) {
    return millis(setting.key(), fallbackMs, minMs, maxMs);
  }

  public <E extends Enum<E>> E choice(Setting setting, E fallback) {
    return choice(setting.key(), fallback);
  }

  /** {@code COUNT_REDIS_URL} (required), checked to be a {@code redis://} or {@code rediss://} URL. */
  public java.net.URI redisUrl() {
    String text = required(REDIS_URL);
    java.net.URI uri;
    try {
      uri = java.net.URI.create(text);
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    if (uri == null || (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) || uri.getHost() == null) {
      throw new ConfigException(REDIS_URL + " must look like redis://host:port, got '" + text + "'");
    }
    return uri;
  }

  /**
   * {@code COUNT_HTTP_HOST}: the address a component's HTTP server binds. Default {@code 0.0.0.0}
   * (every interface: what a Kubernetes pod needs to be reached through its Service);
   * {@code countctl dev} sets {@code 127.0.0.1} unless told {@code --host}.
   */
  public String httpHost() {
    String h = string(HTTP_HOST, "0.0.0.0").trim();
    if (h.isEmpty() || !h.matches("[A-Za-z0-9.:\\[\\]-]+")) {
      throw new ConfigException(HTTP_HOST + " must be an address or host name to bind, e.g. 127.0.0.1 or 0.0.0.0, got '" + h + "'");
    }
    return h;
  }

  /** Cluster name as used in topic names and Redis keys. */
  public String cluster() {
    String c = string(CLUSTER, "count");
    if (!c.matches("[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?")) {
      throw new ConfigException(CLUSTER + " must be a DNS-1123 name (lowercase letters, digits, '-', '.'), got '" + c + "'");
    }
    return c;
  }
}
