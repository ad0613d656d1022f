package io.countctl.worker.merge;

import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;
import io.countctl.core.store.RegionEntry;
import io.countctl.core.store.RegionSketch;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * The shipment wire format, JSON sent gzip-compressed:
 * {@code {"v":1,"from":"eu","heard":{"eu":ms,…},"entries":[["post-1/likes","eu",p,n,t],…],
 * "sketches":[["video-9/views","unique",null,0,"<base64>"],["video-9/views","item","1h",bucket,"<base64>"],…]}}.
 * Flat arrays keep it small; gzip folds the repeated keys and region names. {@code sketches} is
 * optional (a receiver from before it ignores it).
 */
public final class ShipmentCodec {
  static final int VERSION = 1;

  private ShipmentCodec() {}

  /** A shipment a receiver refuses, with the reason (becomes a 400). */
  public static final class Refused extends RuntimeException {
    private final String code;

    Refused(String code, String message) {
      super(message);
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  public static byte[] encodeGzip(Shipment s) {
    JsonObject heard = new JsonObject();
    s.heard().forEach(heard::put);
    JsonArray entries = new JsonArray();
    for (RegionEntry e : s.entries()) {
      entries.add(new JsonArray().add(e.key().toString()).add(e.region()).add(e.state().p()).add(e.state().n())
          .add(e.updatedAtMillis()));
    }
    JsonObject body = new JsonObject().put("v", VERSION).put("from", s.from()).put("heard", heard).put("entries", entries);
    if (!s.sketches().isEmpty()) {
      JsonArray sketches = new JsonArray();
      for (RegionSketch k : s.sketches()) {
        sketches.add(new JsonArray().add(k.key().toString()).add(k.unique() ? "unique" : k.by().label())
            .add(k.unique() ? null : k.window().label()).add(k.bucket())
            .add(java.util.Base64.getEncoder().encodeToString(k.sketch())));
      }
      body.put("sketches", sketches);
    }
    byte[] json = body.toBuffer().getBytes();
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, json.length / 4));
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Reads and checks a shipment (already decompressed) for a receiver in {@code ownRegion}: all
   * or nothing, so a bad entry anywhere changes nothing. Refused: malformed JSON, another version,
   * a sender or entry claiming to be this region (no region accepts its own entry from a peer),
   * negative or non-integer parts, invalid keys or region names.
   */
  public static Shipment decode(Buffer body, String ownRegion) {
    JsonObject json;
    try {
      json = body.toJsonObject();
    } catch (DecodeException | ClassCastException | IllegalArgumentException e) {
      throw new Refused("malformed_state", "the body is not a JSON object");
    }
    if (!(json.getValue("v") instanceof Number v) || v.intValue() != VERSION) {
      throw new Refused("unsupported_version", "expected \"v\": " + VERSION);
    }
    String from = region(json.getValue("from"), "from");
    if (from.equals(ownRegion)) {
      throw new Refused("own_region", "the sender claims to be this region (" + ownRegion + ")");
    }
    Map<String, Long> heard = new HashMap<>();
    if (json.getValue("heard") != null) {
      if (!(json.getValue("heard") instanceof JsonObject h)) {
        throw new Refused("malformed_state", "\"heard\" must be an object");
      }
      for (String r : h.fieldNames()) {
        region(r, "heard");
        if (!r.equals(ownRegion)) { // what a peer thinks of this region is no news here
          heard.put(r, nonNegative(h.getValue(r), "heard." + r));
        }
      }
    }
    if (!(json.getValue("entries") instanceof JsonArray arr)) {
      throw new Refused("malformed_state", "\"entries\" must be an array");
    }
    List<RegionEntry> entries = new ArrayList<>(arr.size());
    for (int i = 0; i < arr.size(); i++) {
      if (!(arr.getValue(i) instanceof JsonArray e) || e.size() != 5) {
        throw new Refused("malformed_state", "entries[" + i + "] must be [key, region, p, n, t]");
      }
      if (!(e.getValue(0) instanceof String keyText)) {
        throw new Refused("malformed_state", "entries[" + i + "]: the key must be a string");
      }
      CounterKey key;
      try {
        key = CounterKey.parse(keyText);
      } catch (IllegalArgumentException bad) {
        throw new Refused("invalid_key", "entries[" + i + "]: " + bad.getMessage());
      }
      String region = region(e.getValue(1), "entries[" + i + "] region");
      if (region.equals(ownRegion)) {
        throw new Refused("own_region", "entries[" + i + "] is an entry of this region (" + ownRegion
            + "): only this region counts its own writes");
      }
      long p = nonNegative(e.getValue(2), "entries[" + i + "] p");
      long n = nonNegative(e.getValue(3), "entries[" + i + "] n");
      long t = nonNegative(e.getValue(4), "entries[" + i + "] t");
      entries.add(new RegionEntry(key, region, new PnCounter(p, n), t));
    }
    return new Shipment(from, heard, entries, sketches(json.getValue("sketches")));
  }

  /** The optional sketches: checked here (kinds, windows, base64, DataSketches' own format) so a bad one refuses the shipment. */
  private static List<RegionSketch> sketches(Object value) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray arr)) {
      throw new Refused("malformed_state", "\"sketches\" must be an array");
    }
    List<RegionSketch> out = new ArrayList<>(arr.size());
    for (int i = 0; i < arr.size(); i++) {
      String at = "sketches[" + i + "]";
      if (!(arr.getValue(i) instanceof JsonArray e) || e.size() != 5 || !(e.getValue(0) instanceof String keyText)
          || !(e.getValue(1) instanceof String kind) || !(e.getValue(4) instanceof String b64)) {
        throw new Refused("malformed_state", at + " must be [key, unique|user|item, window, bucket, base64]");
      }
      CounterKey key;
      byte[] bytes;
      try {
        key = CounterKey.parse(keyText);
        bytes = java.util.Base64.getDecoder().decode(b64);
      } catch (IllegalArgumentException bad) {
        throw new Refused("malformed_state", at + ": " + bad.getMessage());
      }
      long bucket = nonNegative(e.getValue(3), at + " bucket");
      try {
        if (kind.equals("unique")) {
          io.countctl.core.sketch.UniqueSketch.fromBytes(bytes);
          out.add(new RegionSketch(key, null, null, 0, bytes));
          continue;
        }
        var by = io.countctl.core.sketch.TopBy.parse(kind)
            .orElseThrow(() -> new Refused("malformed_state", at + ": unknown kind '" + kind + "'"));
        var window = e.getValue(2) instanceof String w ? io.countctl.core.sketch.SketchWindow.parse(w) : java.util.Optional.<io.countctl.core.sketch.SketchWindow>empty();
        if (window.isEmpty() || window.get().bucketOf(bucket) != bucket) {
          throw new Refused("malformed_state", at + ": unknown window or a bucket that does not start one");
        }
        io.countctl.core.sketch.TopItems.fromBytes(bytes);
        out.add(new RegionSketch(key, by, window.get(), bucket, bytes));
      } catch (IllegalArgumentException bad) {
        throw new Refused("malformed_state", at + ": " + bad.getMessage());
      }
    }
    return out;
  }

  private static String region(Object v, String what) {
    if (!(v instanceof String s) || !RegionEntry.validRegion(s)) {
      throw new Refused("invalid_region", what + ": expected a region name (lower-case letters, digits, '-')");
    }
    return s;
  }

  private static long nonNegative(Object v, String what) {
    if (!(v instanceof Integer || v instanceof Long)) {
      throw new Refused("malformed_state", what + " must be an integer");
    }
    long x = ((Number) v).longValue();
    if (x < 0) {
      throw new Refused("negative", what + " must not be negative");
    }
    return x;
  }
}
