package io.countctl.downtime.support;

import io.countctl.downtime.DowntimeConfig;
import io.countctl.downtime.http.FrontendAllowList;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A tiny client of the downtime handler's HTTP API for tests. */
public final class Api {
  public record Reply(int status, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  /** The secret the tests' handlers are configured with. */
  public static final String SECRET = "test-secret";

  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;
  private final String secret;

  /** A client that sends {@link #SECRET}, as workers do. */
  public Api(int port) {
    this(port, SECRET);
  }

  private Api(int port, String secret) {
    this.base = "http://127.0.0.1:" + port;
    this.secret = secret;
  }

  /** A client that sends no secret (or only the headers a test passes). */
  public static Api anonymous(int port) {
    return new Api(port, null);
  }

  /** The configuration the tests start handlers with: {@link #SECRET} and the default allow-list. */
  public static DowntimeConfig config(String cluster, URI redis, String namespace, boolean podWatch, Duration heartbeatTimeout) {
    return new DowntimeConfig(cluster, redis, 0, "127.0.0.1", namespace, podWatch, heartbeatTimeout, SECRET,
        FrontendAllowList.parse(DowntimeConfig.FRONTEND_ALLOW, FrontendAllowList.DEFAULT));
  }

  public Reply post(String path, String body, String... headers) {
    return send(withSecret(HttpRequest.newBuilder(URI.create(base + path)), headers)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  public Reply get(String path) {
    return send(withSecret(HttpRequest.newBuilder(URI.create(base + path)), new String[0]).GET().build());
  }

  public Reply send(String method, String path) {
    return send(withSecret(HttpRequest.newBuilder(URI.create(base + path)), new String[0])
        .method(method, HttpRequest.BodyPublishers.noBody()).build());
  }

  private HttpRequest.Builder withSecret(HttpRequest.Builder b, String[] headers) {
    b.timeout(Duration.ofSeconds(5));
    if (headers.length > 0) {
      b.headers(headers);
    } else if (secret != null) {
      b.header("X-Count-Secret", secret);
    }
    return b;
  }

  public void store(String worker, String frontend) {
    expect204(post("/store", new JsonObject().put("worker", worker).put("frontend", frontend).encode()));
  }

  public void heartbeat(String worker) {
    expect204(post("/heartbeat", new JsonObject().put("worker", worker).encode()));
  }

  private static void expect204(Reply r) {
    if (r.status() != 204) {
      throw new AssertionError("expected 204, got " + r);
    }
  }

  private Reply send(HttpRequest request) {
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
