package io.countctl.edge.http;

import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

/**
 * Before a body is read: if the whole body has not arrived within the request-read timeout, the
 * request gets {@code 408} and its connection is closed (a body sent a byte at a time is never
 * idle). Only the reading is timed: waiting for Kafka afterwards has its own timeout. A platform
 * handler, so Vert.x Web lets it run before the BodyHandler.
 */
public final class BodyReadTimeout implements PlatformHandler {
  private final Vertx vertx;
  private final long timeoutMs;

  public BodyReadTimeout(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!ctx.request().isEnded()) {
      long timer = vertx.setTimer(timeoutMs, id -> {
        if (!ctx.request().isEnded() && !ctx.response().ended()) {
          MalformedRequests.answer(ctx.request(), 408, "request_timeout",
              "the request body did not arrive within " + timeoutMs + " ms", true);
        }
      });
      ctx.addEndHandler(v -> vertx.cancelTimer(timer));
    }
    ctx.next();
  }
}
