package io.countctl.edge;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A small HTTP client for tests against an edge; {@code secret} (if not empty) goes in X-Count-Secret. */
record EdgeHttp(HttpClient client, String base, String secret) {
  static EdgeHttp to(int port) {
    return new EdgeHttp(HttpClient.newHttpClient(), "http://127.0.0.1:" + port, "");
  }

  /** To an edge's internal port, with the shared secret. */
  static EdgeHttp internal(EdgeNode edge) {
    return new EdgeHttp(HttpClient.newHttpClient(), "http://127.0.0.1:" + edge.internalPort(), edge.config().internalSecret());
  }

  HttpResponse<String> send(String method, String path, String body) {
    return send(method, path, body, Map.of());
  }

  /** With these request headers; a request unanswered for 20 s fails the test instead of hanging it. */
  HttpResponse<String> send(String method, String path, String body, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (!secret.isEmpty()) {
      b.header("X-Count-Secret", secret);
    }
    headers.forEach(b::header);
    try {
      return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  JsonObject put(String id, String counter, String body) {
    HttpResponse<String> r = send("PUT", "/v1/" + id + "/" + counter, body);
    if (r.statusCode() != 200) {
      throw new AssertionError("PUT answered " + r.statusCode() + ": " + r.body());
    }
    return new JsonObject(r.body());
  }

  long count(String id, String counter) {
    HttpResponse<String> r = send("GET", "/v1/" + id + "/" + counter, null);
    if (r.statusCode() != 200) {
      throw new AssertionError("GET answered " + r.statusCode() + ": " + r.body());
    }
    return new JsonObject(r.body()).getLong("count");
  }
}
