package io.countctl.edge.http;

import io.countctl.core.ops.ErrorReply;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

/**
 * Requests the HTTP decoder could not read get a JSON 4xx and their connection is closed: what
 * follows a broken message cannot be trusted to be the next request.
 */
public final class MalformedRequests {
  private MalformedRequests() {}

  /** The server's invalid-request handler: a request line or headers the decoder refused. */
  public static void answer(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    if (cause instanceof TooLongHttpLineException) {
      refuse(request, 414, "uri_too_long", "the request line is longer than this edge accepts");
    } else if (cause instanceof TooLongHttpHeaderException) {
      refuse(request, 431, "headers_too_large", "the request headers are larger than this edge accepts");
    } else {
      refuse(request, 400, "malformed_http", "the request is not valid HTTP/1.1"
          + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage()));
    }
  }

  /**
   * Wraps a server's request handler: what the decoder let through but is not a well-formed
   * request is refused before any route sees it: a header with an empty name (Netty accepts
   * {@code ": x"}), a path with an empty segment (Vert.x Web would route {@code /v1//likes/stream}
   * as {@code /v1/likes/stream}: another counter than the one named). An unknown protocol version
   * ({@code HTTP/9.9}) never gets here: Vert.x answers it 501 and closes the connection itself.
   */
  public static Handler<HttpServerRequest> checked(Handler<HttpServerRequest> next) {
    return request -> {
      if (request.headers().contains("")) { // not names(): that builds a sorted set per request
        refuse(request, 400, "malformed_http", "a header has an empty name");
      } else if (request.path() != null && request.path().contains("//")) {
        answer(request, 400, "invalid_path", "the path has an empty segment: " + request.path(), false);
      } else {
        next.handle(request);
      }
    };
  }

  /**
   * The routers' failure handler for a body the decoder broke off (an invalid chunk size, a
   * chunk or trailer too large): Vert.x hands the decoder's error to the request, the body reader
   * fails the route with it, and without this Vert.x Web would answer it as an unhandled failure
   * with the response's status so far: {@code 200 OK}. A request still being read when its route
   * failed is such a case; everything else goes on to the routers' error handlers.
   */
  public static void failure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure != null && !(failure instanceof HttpException) && !(failure instanceof BadRequest)
        && !ctx.request().isEnded()) {
      refuse(ctx.request(), 400, "malformed_http", "the request body is not valid HTTP/1.1"
          + (failure.getMessage() == null ? "" : ": " + failure.getMessage()));
    } else {
      ctx.next();
    }
  }

  /** Answers and closes the connection: what follows a broken message cannot be trusted. */
  static void refuse(HttpServerRequest request, int status, String code, String message) {
    answer(request, status, code, message, true);
  }

  /**
   * Answers with the JSON error; with {@code close}, closes the connection after it (saying so in
   * HTTP/1.x; HTTP/2 forbids the {@code Connection} header).
   */
  static void answer(HttpServerRequest request, int status, String code, String message, boolean close) {
    if (request.response().ended() || request.response().headWritten()) {
      if (close) {
        request.connection().close();
      }
      return;
    }
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json");
    if (status == 503 || status == 429) {
      request.response().putHeader("Retry-After", "1");
    }
    if (close && request.version() != io.vertx.core.http.HttpVersion.HTTP_2) {
      request.response().putHeader("Connection", "close");
    }
    request.response().end(ErrorReply.body(code, message).encode()).onComplete(x -> {
      if (close) {
        request.connection().close();
      }
    });
  }
}
