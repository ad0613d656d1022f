package io.countctl.core.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.function.Supplier;

/**
 * {@code /healthz} (the process runs), {@code /readyz} (it can do its job now: its servers are
 * reachable) and {@code /metrics} (Prometheus text), the same on every long-running component.
 */
public final class OpsRoutes {
  private OpsRoutes() {}

  /**
   * @param readiness empty string when ready, otherwise why not; called on the event loop, so it
   *     must read cached state rather than do I/O
   */
  public static void mount(Router router, PrometheusMeterRegistry metrics, Supplier<String> readiness) {
    router.get("/healthz").handler(ctx -> ctx.json(new JsonObject().put("status", "ok")));
    router.get("/readyz").handler(ctx -> {
      String problem = readiness.get();
      if (problem.isEmpty()) {
        ctx.json(new JsonObject().put("status", "ready"));
      } else {
        ctx.response().setStatusCode(503).putHeader("Retry-After", "1");
        ctx.json(new JsonObject().put("status", "not ready").put("reason", problem));
      }
    });
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(metrics.scrape()));
  }
}
