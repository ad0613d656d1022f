package io.countctl.edge.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The live console at {@code /console}: plain HTML, CSS and JavaScript from the jar (no build
 * step), served by Vert.x Web's {@link StaticHandler}. It is a page of this edge, so it calls the
 * API same-origin and needs no CORS; it watches all its counters over one SSE connection
 * ({@code /v1/stream?counters=…}).
 */
final class Console {
  /**
   * Where the files are on the class path. A package-like path, not {@code console}: Vert.x looks
   * for a relative web root in the working directory first.
   */
  static final String WEB_ROOT = "io/countctl/edge/console";
  /** The page loads nothing but its own files and talks to nothing but this edge. */
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
      + " connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private Console() {}

  static void mount(Router router) {
    StaticHandler files = StaticHandler.create(WEB_ROOT).setIndexPage("index.html").setDirectoryListing(false)
        .setMaxAgeSeconds(60); // short: a new edge version's console shows within a minute
    router.get("/console/*").handler(ctx -> {
      if (ctx.request().path().equals("/console")) { // the page's relative links need the slash
        ctx.redirect("/console/");
        return;
      }
      ctx.response().putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
          .putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Referrer-Policy", "no-referrer");
      ctx.next();
    }).handler(files);
  }
}
