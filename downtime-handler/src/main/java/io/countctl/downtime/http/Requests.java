package io.countctl.downtime.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;

/** Parsing and validation of request bodies; everything wrong becomes a {@link BadRequest}. */
final class Requests {
  static final int MAX_WORKER_LENGTH = 253; // a DNS name: pod names fit
  static final int MAX_URL_LENGTH = 2048;

  private Requests() {}

  static JsonObject object(Buffer body) {
    if (body == null || body.length() == 0) {
      throw new BadRequest(400, "malformed_json", "the request needs a JSON object body");
    }
    Object parsed;
    try {
      parsed = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw new BadRequest(400, "malformed_json", "the body is not valid JSON");
    }
    if (!(parsed instanceof JsonObject o)) {
      throw new BadRequest(400, "malformed_json", "the body must be a JSON object");
    }
    return o;
  }

  /** A worker id: its pod name in Kubernetes; printable, no spaces. */
  static String worker(JsonObject body) {
    String w = string(body, "worker");
    if (w.length() > MAX_WORKER_LENGTH || !w.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new BadRequest(400, "invalid_worker",
          "worker must be 1-" + MAX_WORKER_LENGTH + " printable ASCII characters without spaces");
    }
    return w;
  }

  /**
   * A frontend's base URL, {@code http(s)://host[:port][/path]}, without a trailing slash so that the
   * same frontend is stored once however it is written.
   */
  static String frontend(JsonObject body) {
    String f = string(body, "frontend");
    URI uri;
    try {
      uri = new URI(f);
    } catch (URISyntaxException e) {
      throw invalidFrontend();
    }
    if (f.length() > MAX_URL_LENGTH || uri.getHost() == null || uri.getQuery() != null || uri.getFragment() != null
        || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
      throw invalidFrontend();
    }
    return f.endsWith("/") ? f.substring(0, f.length() - 1) : f;
  }

  private static BadRequest invalidFrontend() {
    return new BadRequest(400, "invalid_frontend",
        "frontend must be the frontend's base URL, e.g. http://10.0.0.5:8080 (at most " + MAX_URL_LENGTH + " characters)");
  }

  private static String string(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      throw new BadRequest(400, "missing_field", "'" + field + "' is required");
    }
    if (!(v instanceof String s) || s.isBlank()) {
      throw new BadRequest(400, "invalid_" + field, "'" + field + "' must be a non-empty string");
    }
    return s.trim();
  }
}
