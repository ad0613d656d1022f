package io.countctl.edge.http;

import io.countctl.core.ops.ErrorReply;
import io.vertx.ext.web.handler.PlatformHandler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

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
          ctx.response().setStatusCode(408).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
              .end(ErrorReply.body("request_timeout", "the request body did not arrive within " + timeoutMs + " ms").encode())
              .onComplete(x -> ctx.request().connection().close());
        }
      });
      ctx.addEndHandler(v -> vertx.cancelTimer(timer));
    }
    ctx.next();
  }
}
