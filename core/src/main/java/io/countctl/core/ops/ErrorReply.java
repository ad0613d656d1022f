package io.countctl.core.ops;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The one error body of the platform: {@code {"error": {"code": "...", "message": "..."}}}. */
public final class ErrorReply {
  private ErrorReply() {}

  public static JsonObject body(String code, String message) {
    return new JsonObject().put("error", new JsonObject().put("code", code).put("message", message));
  }

  public static void send(RoutingContext ctx, int status, String code, String message) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json");
    if (status == 503 || status == 429) {
      ctx.response().putHeader("Retry-After", "1");
    }
    ctx.response().end(body(code, message).encode());
  }
}
