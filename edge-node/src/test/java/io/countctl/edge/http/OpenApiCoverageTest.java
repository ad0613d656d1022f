package io.countctl.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.config.Settings;
import io.countctl.edge.EdgeConfig;
import io.countctl.edge.live.LiveRoutes;
import io.countctl.edge.sketch.SketchRoutes;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document and the routes the edge serves are the same set, both ways: the router's
 * routes ({@link Router#getRoutes()}) and {@link HotRoutes}' against the document's path + method
 * pairs. No servers: building the router needs none.
 */
class OpenApiCoverageTest {
  private static final Set<String> OPENAPI_METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
  static Vertx vertx;
  static Router router;
  static JsonObject document;

  @BeforeAll
  static void build() {
    vertx = Vertx.vertx();
    EdgeConfig config = EdgeConfig.from(Settings.of(Map.of("COUNT_KAFKA_BOOTSTRAP", "localhost:1",
        "COUNT_REDIS_URL", "redis://localhost:1", "COUNT_CORS_ORIGINS", "https://app.example")));
    // The router's construction touches only the route classes; what handlers would call is never reached.
    EdgeRoutes routes = new EdgeRoutes(config, null, null, null, new LiveRoutes(null, 10), new SketchRoutes(null, null),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> "");
    router = routes.router(vertx, ctx -> ctx.next());
    document = new JsonObject(io.vertx.core.buffer.Buffer.buffer(OpenApiDocument.read()));
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  /** {@code "GET /v1/{id}/{counter}"} for every route with a path and methods; a wildcard route as {@code /console/{file}} and {@code /console}. */
  static Set<String> served() {
    Set<String> out = new TreeSet<>();
    for (Route r : router.getRoutes()) {
      if (r.getPath() == null) {
        // a route by regular expression could not be compared with the document's paths
        assertFalse(r.isRegexPath(), "a route by regular expression: describe it, or give it a plain path");
        continue; // middleware on every path (body reading, CORS, timeouts): no route of its own
      }
      assertFalse(r.methods() == null || r.methods().isEmpty(), "a route on every method: " + r.getPath());
      Set<String> paths = new TreeSet<>();
      String path = r.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
      if (r.isExactPath()) {
        paths.add(path);
      } else { // "/console/*" (Vert.x keeps "/console/"): the prefix itself and the files below it
        paths.add(path.substring(0, path.length() - 1));
        paths.add(path + "{file}");
      }
      for (HttpMethod m : r.methods()) {
        for (String p : paths) {
          out.add(m.name() + " " + p);
        }
      }
    }
    for (HttpMethod m : HotRoutes.METHODS) {
      out.add(m.name() + " " + HotRoutes.PATH);
    }
    return out;
  }

  /** The document's operations, without the CORS preflights (served by the CORS handler on every path). */
  static Set<String> documented(boolean preflights) {
    Set<String> out = new TreeSet<>();
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (!OPENAPI_METHODS.contains(method)) {
          continue;
        }
        boolean preflight = item.getJsonObject(method).getBoolean("x-cors-preflight", false);
        if (preflight == preflights) {
          out.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path);
        }
      }
    }
    return out;
  }

  @Test
  void everyServedRouteIsDocumented() {
    Set<String> missing = new TreeSet<>(served());
    missing.removeAll(documented(false));
    assertEquals(Set.of(), missing, "routes the edge serves that openapi.json does not describe");
  }

  @Test
  void everyDocumentedOperationIsServed() {
    Set<String> extra = new TreeSet<>(documented(false));
    extra.removeAll(served());
    assertEquals(Set.of(), extra, "operations in openapi.json the edge does not serve");
  }

  /** Preflights are answered on any path by {@link CrossOrigin}: documented ones must be paths the edge serves. */
  @Test
  void preflightsAreOnServedPathsWhereBrowsersWrite() {
    Set<String> servedPaths = new TreeSet<>();
    for (String op : served()) {
      servedPaths.add(op.substring(op.indexOf(' ') + 1));
    }
    Set<String> preflights = documented(true);
    assertTrue(CrossOrigin.METHODS.contains(HttpMethod.PUT) && CrossOrigin.METHODS.contains(HttpMethod.POST));
    assertEquals(Set.of("OPTIONS /v1/{id}/{counter}", "OPTIONS /v1/batch"), preflights);
    for (String p : preflights) {
      assertTrue(servedPaths.contains(p.substring("OPTIONS ".length())), p);
    }
  }

  /** Every operation has an id (validators and generated clients address operations by it), each one once. */
  @Test
  void operationIdsAreUnique() {
    Set<String> ids = new TreeSet<>();
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        String id = paths.getJsonObject(path).getJsonObject(method).getString("operationId");
        assertTrue(id != null && ids.add(id), "operationId of " + method + " " + path + ": " + id);
      }
    }
  }
}
