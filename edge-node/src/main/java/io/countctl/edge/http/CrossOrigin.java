package io.countctl.edge.http;

import io.countctl.core.ops.ErrorReply;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.List;
import java.util.Set;

/**
 * CORS on the public router, in front of every route: Vert.x Web's {@link CorsHandler} answers
 * preflights and adds the headers, this class decides who gets them.
 *
 * <ul>
 *   <li>No {@code Origin} header (curl, servers, same-origin {@code GET}s): passed on untouched.
 *   <li>An {@code Origin} naming this edge itself (the console's own writes: browsers send {@code
 *       Origin} on same-origin {@code PUT} and {@code POST} too): passed on untouched, it needs no
 *       CORS.
 *   <li>An allowed origin: preflights answered {@code 204} and cacheable for {@link #MAX_AGE_SECONDS},
 *       other requests answered with {@code Access-Control-Allow-Origin} and the exposed headers.
 *   <li>Any other origin: {@code 403 origin_not_allowed}, no CORS header, nothing counted. Browsers
 *       would refuse to show such a page the answer anyway, but a write that needs no preflight
 *       ({@code navigator.sendBeacon}, a {@code text/plain} {@code POST}) would still count: so it
 *       is refused here, before any route reads it.
 * </ul>
 *
 * <p>Credentials are never allowed ({@code Access-Control-Allow-Credentials} is not sent): the API
 * uses no cookies, an admin token travels in {@code Authorization}, which a page sets explicitly,
 * and {@code *} could not be combined with credentials anyway (docs/security.md).
 */
public final class CrossOrigin implements Handler<RoutingContext> {
  /** How long a browser may cache a preflight's answer; Chromium caps it at 2 h, Firefox at 24 h. */
  public static final int MAX_AGE_SECONDS = 86_400;
  /** Request headers a page may send beyond the CORS-safelisted ones. */
  public static final Set<String> ALLOWED_HEADERS = Set.of("Content-Type", "Idempotency-Key", "Last-Event-ID",
      "Authorization");
  /** Response headers a page may read beyond the CORS-safelisted ones. */
  public static final Set<String> EXPOSED_HEADERS = Set.of(EdgeRoutes.STALE_HEADER, "Retry-After");
  static final Set<HttpMethod> METHODS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PUT, HttpMethod.POST,
      HttpMethod.DELETE);

  private final CorsPolicy policy;
  private final CorsHandler cors;

  public CrossOrigin(CorsPolicy policy) {
    this.policy = policy;
    CorsHandler h = CorsHandler.create();
    if (!policy.any()) {
      h.addOrigins(List.copyOf(new java.util.TreeSet<>(policy.origins())));
    }
    this.cors = h.allowedMethods(METHODS).allowedHeaders(ALLOWED_HEADERS).exposedHeaders(EXPOSED_HEADERS)
        .maxAgeSeconds(MAX_AGE_SECONDS).allowCredentials(false);
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    if (origin == null || sameOrigin(origin, request)) {
      ctx.next();
    } else if (policy.allows(origin)) {
      cors.handle(ctx);
    } else {
      ErrorReply.send(ctx, 403, "origin_not_allowed", "pages of " + origin + " may not call this edge;"
          + " allowed origins are set by COUNT_CORS_ORIGINS (spec.edge.cors.allowedOrigins)");
    }
  }

  /**
   * Whether {@code origin} is this edge as the request reached it: its host and port are the
   * request's {@code Host} (the scheme is not compared: behind a TLS-terminating proxy a page of
   * {@code https://edge} reaches the edge as plain HTTP).
   */
  static boolean sameOrigin(String origin, HttpServerRequest request) {
    int scheme = origin.indexOf("://");
    if (scheme < 0) {
      return false;
    }
    String host = request.getHeader(HttpHeaders.HOST);
    if (host == null && request.authority() != null) {
      host = request.authority().toString();
    }
    return host != null && origin.regionMatches(true, scheme + 3, host, 0, host.length())
        && origin.length() == scheme + 3 + host.length();
  }
}
