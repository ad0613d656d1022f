package io.countctl.worker.fanout;

import io.countctl.core.totals.TotalChange;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/**
 * Calls a frontend's webhook ({@code POST <frontend>/internal/totals}) with many counters' new
 * values in one request. {@code <frontend>} is the URL the edge advertised: its internal port, which
 * refuses every call without the shared secret.
 */
final class WebhookCaller {
  static final String SECRET_HEADER = "X-Count-Secret";

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  private final String secret;

  WebhookCaller(String secret) {
    this.secret = secret;
    if (secret.isEmpty()) {
      org.slf4j.LoggerFactory.getLogger(WebhookCaller.class).warn(
          "COUNT_INTERNAL_SECRET is not set: edges refuse live pushes without it (401)");
    }
  }

  /** Completes with true when the frontend took the changes. */
  CompletableFuture<Boolean> send(String frontend, Collection<TotalChange> changes) {
    JsonArray list = new JsonArray();
    for (TotalChange c : changes) {
      list.add(new JsonObject()
          .put("id", c.key().id())
          .put("counter", c.key().counter())
          .put("p", c.state().p())
          .put("n", c.state().n())
          .put("t", c.updatedAtMillis())
          .put("v", c.version()));
    }
    HttpRequest.Builder req;
    try {
      req = HttpRequest.newBuilder(URI.create(frontend + "/internal/totals"));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(false);
    }
    req.timeout(Duration.ofSeconds(1)) // an edge answers in milliseconds; a paused one fails fast and is retried
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("changes", list).encode()));
    if (!secret.isEmpty()) {
      req.header(SECRET_HEADER, secret);
    }
    return http.sendAsync(req.build(), HttpResponse.BodyHandlers.discarding())
        .handle((r, e) -> e == null && r.statusCode() < 300);
  }
}
