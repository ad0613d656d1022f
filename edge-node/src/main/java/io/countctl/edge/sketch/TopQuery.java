package io.countctl.edge.sketch;

import io.countctl.core.key.CounterKey;
import io.countctl.core.sketch.SketchOptions;
import io.countctl.core.sketch.SketchWindow;
import io.countctl.core.sketch.TopBy;
import io.countctl.core.sketch.TopEntry;
import io.countctl.edge.http.BadRequest;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/** A validated top-K read: {@code ?by=user|item&k=N&window=1m|10m|1h|24h|all} of one counter. */
public record TopQuery(CounterKey key, TopBy by, SketchWindow window, int k) {
  public static final int DEFAULT_K = 10;

  /** Parses the query parameters against the counter's options; a bad one is a 400 naming it. */
  public static TopQuery parse(CounterKey key, MultiMap params, SketchOptions options) {
    String byText = params.get("by");
    TopBy by = byText == null ? TopBy.ITEM : TopBy.parse(byText).orElseThrow(() ->
        new BadRequest("invalid_by", "by must be user or item, got '" + byText + "'"));
    if (options.topK() == 0) {
      throw new BadRequest("invalid_k", "top-K is off for counter '" + key.counter()
          + "' (topk=0 in its options, COUNT_COUNTER_OPTIONS)");
    }
    String windowText = params.get("window");
    SketchWindow window = windowText == null ? SketchWindow.ALL : SketchWindow.parse(windowText).orElseThrow(() ->
        new BadRequest("invalid_window", "window must be 1m, 10m, 1h, 24h or all, got '" + windowText + "'"));
    if (!options.windows().contains(window)) {
      throw new BadRequest("invalid_window", "counter '" + key.counter() + "' keeps top-K for "
          + (options.windows().isEmpty() ? "no window" : "the windows " + labels(options)) + " only, not " + window.label());
    }
    String kText = params.get("k");
    int k;
    if (kText == null) {
      k = Math.min(DEFAULT_K, options.topK());
    } else {
      try {
        k = Integer.parseInt(kText.trim());
      } catch (NumberFormatException e) {
        k = -1;
      }
      if (k < 1 || k > options.topK()) {
        throw new BadRequest("invalid_k", "k must be a whole number from 1 to " + options.topK()
            + " (the topk of counter '" + key.counter() + "'), got '" + kText + "'");
      }
    }
    return new TopQuery(key, by, window, k);
  }

  private static String labels(SketchOptions options) {
    return options.windows().stream().sorted().map(SketchWindow::label).collect(Collectors.joining(", "));
  }

  /** The answer of {@code GET /top} (and each {@code /top/stream} event): the first {@code k} of the read. */
  public JsonObject json(SketchCache.TopRead read) {
    JsonArray top = new JsonArray();
    for (TopEntry e : entries(read)) {
      top.add(new JsonObject().put("value", e.value()).put("estimate", e.estimate()).put("lower", e.lower())
          .put("upper", e.upper()));
    }
    return new JsonObject().put("by", by.label()).put("k", k).put("window", window.label()).put("top", top)
        .put("updated_at", read.updatedAtMillis() == 0 ? null : Instant.ofEpochMilli(read.updatedAtMillis()).toString());
  }

  /** The first {@code k} entries of a read. */
  public List<TopEntry> entries(SketchCache.TopRead read) {
    return read.top().subList(0, Math.min(k, read.top().size()));
  }
}
