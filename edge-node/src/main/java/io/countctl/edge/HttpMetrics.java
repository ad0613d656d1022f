package io.countctl.edge;

import io.countctl.core.ops.LatencyHistogram;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Responses of the public port by status code and their latency, measured around every handler
 * (the connection cap's 503s included), so overload shows as {@code code="503"} and latency as one
 * histogram that adds up across edges. The latency is taken when the response's headers are
 * written: for the small JSON answers of this API that is the whole response; SSE streams, which
 * stay open, are counted by status but kept out of the latency histogram.
 */
final class HttpMetrics {
  private final MeterRegistry registry;
  private final Timer latency;
  // Status codes are a small set (200, 4xx, 503, …), so one counter each stays bounded.
  private final ConcurrentHashMap<Integer, Counter> responses = new ConcurrentHashMap<>();

  HttpMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.latency = LatencyHistogram.timer("count_edge_http_request_duration_seconds",
        "time from a request arriving to its response headers being written (SSE streams excluded)").register(registry);
  }

  Handler<HttpServerRequest> around(Handler<HttpServerRequest> next) {
    return request -> {
      long start = System.nanoTime();
      HttpServerResponse response = request.response();
      boolean stream = request.path() != null && request.path().endsWith("/stream");
      response.headersEndHandler(v -> {
        responses.computeIfAbsent(response.getStatusCode(), this::counter).increment();
        if (!stream) {
          latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
      });
      next.handle(request);
    };
  }

  private Counter counter(int code) {
    return Counter.builder("count_edge_http_responses_total")
        .description("responses of the public port, by status code (503: overload or Kafka/Redis unreachable)")
        .tag("code", Integer.toString(code))
        .register(registry);
  }
}
