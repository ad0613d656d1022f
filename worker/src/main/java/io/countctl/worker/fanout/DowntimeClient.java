package io.countctl.worker.fanout;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports to the downtime handler: which frontends this worker serves ({@code /store}), which
 * frontend is gone ({@code /cleanup}), and that this worker is alive ({@code /heartbeat}, for
 * deployments without a Kubernetes pod watch). Fire and forget: the live path must not stall on it.
 */
final class DowntimeClient {
  private static final Logger log = LoggerFactory.getLogger(DowntimeClient.class);

  private final Optional<URI> base;
  private final String workerId;
  private final String secret;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  DowntimeClient(Optional<URI> base, String workerId, String secret) {
    this.base = base;
    this.workerId = workerId;
    this.secret = secret;
  }

  void store(String frontend) {
    post("/store", new JsonObject().put("worker", workerId).put("frontend", frontend));
  }

  /** This worker gave up on {@code frontend} (others may still serve it). */
  void cleanup(String frontend) {
    post("/cleanup", new JsonObject().put("frontend", frontend).put("worker", workerId));
  }

  void heartbeat() {
    post("/heartbeat", new JsonObject().put("worker", workerId));
  }

  private void post(String path, JsonObject body) {
    if (base.isEmpty()) {
      return;
    }
    HttpRequest.Builder req = HttpRequest.newBuilder(base.get().resolve(path))
        .timeout(Duration.ofSeconds(5))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    if (!secret.isEmpty()) {
      req.header(WebhookCaller.SECRET_HEADER, secret);
    }
    http.sendAsync(req.build(), HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
      if (e != null || r.statusCode() >= 300) {
        log.debug("downtime handler {} failed: {}", path, e != null ? e.toString() : r.statusCode());
      }
    });
  }
}
