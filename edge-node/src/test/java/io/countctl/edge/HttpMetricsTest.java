package io.countctl.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Responses are counted by status code (so 503s show) and timed, SSE streams excepted. */
class HttpMetricsTest {
  @Test
  void responsesAreCountedByStatusAndTimedExceptStreams() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    HttpMetrics metrics = new HttpMetrics(registry);
    Vertx vertx = Vertx.vertx();
    try {
      HttpServer server = vertx.createHttpServer().requestHandler(metrics.around(request -> {
        switch (request.path()) {
          case "/busy" -> request.response().setStatusCode(503).putHeader("Retry-After", "1").end();
          case "/v1/a/b/stream" -> request.response().setChunked(true).putHeader("Content-Type", "text/event-stream")
              .end(": hello\n\n");
          default -> request.response().end("{}");
        }
      })).listen(0, "127.0.0.1").await();
      HttpClient http = HttpClient.newHttpClient();
      for (String path : new String[] {"/ok", "/ok", "/busy", "/v1/a/b/stream"}) {
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path)).build(),
            HttpResponse.BodyHandlers.discarding());
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> count(registry, "200") == 3);
      assertEquals(1, count(registry, "503"));
      assertEquals(3, registry.get("count_edge_http_request_duration_seconds").timer().count(), "the stream is not timed");
    } finally {
      vertx.close().await();
    }
  }

  static double count(SimpleMeterRegistry registry, String code) {
    var c = registry.find("count_edge_http_responses_total").tag("code", code).counter();
    return c == null ? 0 : c.count();
  }
}
