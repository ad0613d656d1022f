package io.countctl.api.model;

/** Patterns and bounds shared by the schema annotations and the reconciler's own checks. */
public final class CounterSpecs {
  /** A region name: a DNS label. */
  public static final String REGION_PATTERN = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";
  /** A counter name as the edges accept it (no '/', ',' or white space, at most 64 characters). */
  public static final String COUNTER_NAME_PATTERN = "^[^/,\\s]{1,64}$";
  /** A Secret's name: a DNS subdomain. */
  public static final String SECRET_NAME_PATTERN = "^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$";
  /** A key of a Secret's data. */
  public static final String SECRET_KEY_PATTERN = "^[-._a-zA-Z0-9]{1,253}$";
  /** The Service types the region-merge Service may have. */
  public static final String SERVICE_TYPE_PATTERN = "^(ClusterIP|NodePort|LoadBalancer)$";
  /** The windows top-K may be kept for, in the order the components list them. */
  public static final java.util.List<String> WINDOWS = java.util.List.of("1m", "10m", "1h", "24h", "all");
  /** One of {@link #WINDOWS}. */
  public static final String WINDOW_PATTERN = "^(1m|10m|1h|24h|all)$";
  /** Bounds of a counter's unique-count sketch size (CPC lgK). */
  public static final int MIN_LGK = 10;
  public static final int MAX_LGK = 16;
  /** Largest topK; 0 turns top-K off. */
  public static final int MAX_TOPK = 1000;
  /**
   * What the components take for an option left unset (io.countctl.core.sketch.SketchSettings owns
   * them; the operator renders only what is set). Here for what describe and the docs show.
   */
  public static final int DEFAULT_LGK = 13;
  public static final int DEFAULT_TOPK = 32;
  /**
   * One entry of an edge's CORS origins: {@code *} (any origin), or a browser origin as the
   * {@code Origin} header carries it, {@code scheme://host[:port]} without path or trailing slash;
   * the schemes Vert.x Web's {@code CorsHandler} takes.
   */
  public static final String CORS_ORIGIN_PATTERN = "^(\\*|(http|https|chrome-extension|moz-extension)://[^/\\s,*]+)$";
  public static final int MIN_FLUSH_MS = 1;
  public static final int MAX_FLUSH_MS = 60_000;

  private CounterSpecs() {
  }
}
