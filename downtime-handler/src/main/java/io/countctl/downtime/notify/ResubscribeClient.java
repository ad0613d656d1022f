package io.countctl.downtime.notify;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls {@code POST <frontend>/internal/resubscribe} with {@code {"worker": "<dead id>"}}: the
 * frontend then publishes its subscriptions again and the new owner of each partition picks them
 * up. Blocking, with retries: run it on a virtual thread.
 */
public final class ResubscribeClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ResubscribeClient.class);
  public static final String PATH = "/internal/resubscribe";
  public static final String SECRET_HEADER = "X-Count-Secret";

  private final HttpClient http;
  private final RetryPolicy retry;
  private final Optional<String> secret;

  public ResubscribeClient(RetryPolicy retry, Optional<String> secret) {
    this.retry = retry;
    this.secret = secret;
    this.http = HttpClient.newBuilder().connectTimeout(retry.callTimeout()).build();
  }

  /** True once the frontend answered 2xx; false when every attempt failed. */
  public boolean resubscribe(String frontend, String deadWorker) throws InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(frontend + PATH))
        .timeout(retry.callTimeout())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("worker", deadWorker).encode()));
    secret.ifPresent(s -> b.header(SECRET_HEADER, s));
    HttpRequest request = b.build();
    for (int attempt = 1; attempt <= retry.attempts(); attempt++) {
      if (attempt > 1) {
        Thread.sleep(retry.backoffBefore(attempt));
      }
      try {
        int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status / 100 == 2) {
          return true;
        }
        LOG.debug("resubscribe {} answered {} (attempt {})", frontend, status, attempt);
      } catch (IOException e) {
        LOG.debug("resubscribe {} failed (attempt {}): {}", frontend, attempt, e.toString());
      }
    }
    return false;
  }

  @Override
  public void close() {
    http.close();
  }

  /** For tests and callers that want the per-call limit. */
  public Duration callTimeout() {
    return retry.callTimeout();
  }
}
