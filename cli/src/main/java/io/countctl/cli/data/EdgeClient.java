package io.countctl.cli.data;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The few edge calls the data commands make, with errors a person can act on. */
final class EdgeClient {
  private final URI base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  EdgeClient(URI base) {
    this.base = base;
  }

  JsonObject write(String counter, String id, boolean increment, long by, String idempotencyKey) {
    HttpRequest.Builder req = HttpRequest.newBuilder(path(id, counter))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(new JsonObject()
            .put("action", increment ? "increment" : "decrement").put("by", by).encode()));
    if (idempotencyKey != null) {
      req.header("Idempotency-Key", idempotencyKey);
    }
    return send(req.build());
  }

  JsonObject read(String counter, String id) {
    return read(counter, id, "global");
  }

  /** {@code scope}: global (every region) or region (the edge's region only). */
  JsonObject read(String counter, String id, String scope) {
    URI uri = scope.equals("global") ? path(id, counter) : URI.create(path(id, counter) + "?scope=" + enc(scope));
    return send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build());
  }

  /** {@code GET /v1/{id}/{counter}/unique}. */
  JsonObject unique(String counter, String id) {
    return send(HttpRequest.newBuilder(URI.create(path(id, counter) + "/unique")).timeout(Duration.ofSeconds(30)).GET().build());
  }

  /** {@code GET /v1/{id}/{counter}/top}; null parameters are left to the edge's defaults. */
  JsonObject top(String counter, String id, String by, Integer k, String window) {
    return send(HttpRequest.newBuilder(topUri(counter, id, by, k, window, false)).timeout(Duration.ofSeconds(30)).GET().build());
  }

  /** The URI of {@code /top} or {@code /top/stream} with the given parameters. */
  URI topUri(String counter, String id, String by, Integer k, String window, boolean stream) {
    StringBuilder q = new StringBuilder();
    if (by != null) {
      q.append("&by=").append(enc(by));
    }
    if (k != null) {
      q.append("&k=").append(k);
    }
    if (window != null) {
      q.append("&window=").append(enc(window));
    }
    return URI.create(path(id, counter) + (stream ? "/top/stream" : "/top") + (q.isEmpty() ? "" : "?" + q.substring(1)));
  }

  URI base() {
    return base;
  }

  private URI path(String id, String counter) {
    return base.resolve("/v1/" + enc(id) + "/" + enc(counter));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private JsonObject send(HttpRequest req) {
    try {
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      JsonObject body;
      try {
        body = new JsonObject(r.body());
      } catch (RuntimeException e) {
        throw new EdgeError(base + " answered " + r.statusCode() + " with a body that is not JSON: is it a Count edge?");
      }
      if (r.statusCode() != 200) {
        JsonObject err = body.getJsonObject("error", new JsonObject());
        throw new EdgeError(err.getString("message", "HTTP " + r.statusCode()) + " (" + err.getString("code", "error") + ")");
      }
      return body;
    } catch (ConnectException e) {
      throw new EdgeError("no edge at " + base + ": start one with `countctl dev`, or pass --url");
    } catch (IOException e) {
      throw new EdgeError("talking to " + base + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EdgeError("interrupted");
    }
  }

  /** An edge call that failed; the message is for the user. */
  static final class EdgeError extends RuntimeException {
    EdgeError(String message) {
      super(message, null, false, false);
    }
  }
}
