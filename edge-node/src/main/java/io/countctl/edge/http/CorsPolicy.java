package io.countctl.edge.http;

import io.countctl.api.model.CounterSpecs;
import io.countctl.core.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which web origins may call the public API from a browser ({@code COUNT_CORS_ORIGINS}): none
 * (the default: no CORS at all, requests are answered as they always were), any ({@code *}), or a
 * list of origins as browsers send them in {@code Origin}, {@code scheme://host[:port]}.
 */
public record CorsPolicy(boolean any, Set<String> origins) {
  /** No CORS: no headers, no preflights answered. */
  public static final CorsPolicy OFF = new CorsPolicy(false, Set.of());
  private static final Pattern ORIGIN = Pattern.compile(CounterSpecs.CORS_ORIGIN_PATTERN);

  public CorsPolicy {
    origins = Set.copyOf(origins);
  }

  /** Parses {@code COUNT_CORS_ORIGINS}: a comma list, {@code *}, or empty. */
  public static CorsPolicy parse(String setting, String value) {
    List<String> list = new ArrayList<>();
    for (String part : value.split(",")) {
      String o = part.strip();
      if (o.isEmpty()) {
        continue;
      }
      if (!ORIGIN.matcher(o).matches()) {
        throw new ConfigException(setting + ": '" + o + "' is not an origin; expected scheme://host[:port]"
            + " without a path (as browsers send it in Origin), or * for any origin");
      }
      // Origins compare case-insensitively in scheme and host; browsers send them lower-cased.
      list.add(o.toLowerCase(java.util.Locale.ROOT));
    }
    if (list.isEmpty()) {
      return OFF;
    }
    if (list.contains("*")) {
      if (list.size() > 1) {
        throw new ConfigException(setting + ": * (any origin) cannot be listed with other origins");
      }
      return new CorsPolicy(true, Set.of());
    }
    return new CorsPolicy(false, Set.copyOf(list));
  }

  /** Whether any cross-origin request is allowed (else the edge sends no CORS header at all). */
  public boolean enabled() {
    return any || !origins.isEmpty();
  }

  /** Whether a page of {@code origin} (an {@code Origin} header's value) may call the API. */
  public boolean allows(String origin) {
    return any || origins.contains(origin.toLowerCase(java.util.Locale.ROOT));
  }

  /** As the setting is written: {@code *}, the origins, or empty. */
  public String describe() {
    return any ? "*" : String.join(",", new java.util.TreeSet<>(origins));
  }
}
