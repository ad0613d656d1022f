package io.countctl.edge.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.json}: the edge API's OpenAPI 3.1 document, a resource of the jar read once
 * (the bytes are shared by every answer). It is the contract: docs/api.md is generated from it and
 * edge-node's OpenApiCoverageTest and OpenApiResponsesTest keep it and the routes in step.
 */
public final class OpenApiDocument {
  /** Where the document is on the class path. */
  public static final String RESOURCE = "io/countctl/edge/openapi.json";
  /** It changes only with the edge's version: an hour of caching costs nothing. */
  static final String CACHE_CONTROL = "public, max-age=3600";

  private final Buffer bytes;

  private OpenApiDocument(Buffer bytes) {
    this.bytes = bytes;
  }

  /** The document's bytes as the jar holds them. */
  public static byte[] read() {
    try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static OpenApiDocument load() {
    return new OpenApiDocument(Buffer.buffer(read()));
  }

  void mount(Router router) {
    router.get("/openapi.json").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", CACHE_CONTROL)
        .end(bytes));
  }
}
