package io.countctl.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.config.Settings;
import io.countctl.core.sketch.SketchSettings;
import io.countctl.edge.http.OpenApiDocument;
import io.countctl.testkit.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.mediatype.ContentAnalyser;
import io.vertx.openapi.mediatype.MediaTypeRegistration;
import io.vertx.openapi.mediatype.MediaTypeRegistry;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import io.vertx.openapi.validation.ValidationContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real answers of a running edge (real Kafka and Redis) validated against its own {@code
 * /openapi.json} by Vert.x OpenAPI's {@link ResponseValidator}: status, headers, content type and
 * body schema of the operation; SSE events against the schemas the document names for them.
 */
class OpenApiResponsesTest {
  static final String ORIGIN = "https://app.example";
  static final String DOC = "app:///";

  static TestServers servers;
  static EdgeNode edge;
  static Vertx vertx;
  static ResponseValidator validator;
  static SchemaRepository schemas;
  static JsonObject document;
  static EdgeHttp http;

  @BeforeAll
  static void start() {
    servers = TestServers.start();
    edge = EdgeNode.start(EdgeConfig.from(Settings.of(servers.settings("oa", Map.of(
        "COUNT_PARTITIONS", "2",
        "COUNT_EVENT_LOOPS", "1",
        "COUNT_CORS_ORIGINS", ORIGIN,
        SketchSettings.SETTING, "ranked:topk=3:windows=1m+all")))));
    // HTTP/1.1: the plain PUT and GET take HotRoutes, the others the router; both must keep the contract.
    // HTTP/1.1 as browsers and wrk send it, so the hot path (HotRoutes) answers what it serves.
    http = new EdgeHttp(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(),
        "http://127.0.0.1:" + edge.port(), "");
    vertx = Vertx.vertx();
    document = new JsonObject(http.send("GET", "/openapi.json", null, Map.of()).body());
    // The SSE streams and the console's files: no body schema to check, only status and headers.
    MediaTypeRegistry types = MediaTypeRegistry.createEmpty().register(MediaTypeRegistration.APPLICATION_JSON)
        .register(text("text/plain")).register(text("text/event-stream")).register(text("text/html"))
        .register(text("text/css")).register(text("text/javascript"));
    OpenAPIContract contract = OpenAPIContract.builder(vertx).setContract(document).mediaTypeRegistry(types).build().await();
    validator = ResponseValidator.create(vertx, contract);
    schemas = SchemaRepository.create(new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("app:///"))
        .dereference(DOC, JsonSchema.of(document));
  }

  @AfterAll
  static void stop() {
    if (edge != null) {
      edge.close();
    }
    if (servers != null) {
      servers.close();
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @Test
  void theServedDocumentIsTheJarsResource() {
    HttpResponse<String> r = http.send("GET", "/openapi.json", null, Map.of());
    assertEquals(new JsonObject(Buffer.buffer(OpenApiDocument.read())), new JsonObject(r.body()));
    assertEquals("3.1.0", document.getString("openapi"));
    assertTrue(r.headers().firstValue("Cache-Control").orElse("").contains("max-age="), "cacheable");
    valid("openapi", r);
  }

  @Test
  void writesAndReads() {
    valid("putCount", http.send("PUT", "/v1/oa-1/likes", "{\"action\":\"increment\",\"by\":2}", Map.of()));
    valid("putCount", http.send("PUT", "/v1/oa-1/likes", "{\"action\":\"decrement\"}", Map.of("Idempotency-Key", "oa-k1")));
    valid("postCount", http.send("POST", "/v1/oa-1/likes", "{\"action\":\"increment\"}",
        Map.of("Content-Type", "text/plain;charset=UTF-8"))); // as navigator.sendBeacon sends it
    valid("putCount", http.send("PUT", "/v1/oa-1/ranked", "{\"action\":\"increment\",\"user\":\"u1\",\"item\":\"i1\"}", Map.of()));
    HttpResponse<String> read = http.send("GET", "/v1/oa-1/likes", null, Map.of());
    assertEquals(2, new JsonObject(read.body()).getLong("count"));
    valid("getCount", read);
    valid("getCount", http.send("GET", "/v1/oa-1/likes?scope=region", null, Map.of()));
    valid("getCount", http.send("GET", "/v1/oa-never/likes", null, Map.of()));
    valid("getRegions", http.send("GET", "/v1/oa-1/likes/regions", null, Map.of()));
  }

  @Test
  void batch() {
    valid("postBatch", http.send("POST", "/v1/batch", "{\"writes\":[{\"id\":\"oa-2\",\"counter\":\"likes\",\"action\":\"increment\",\"by\":3},"
        + "{\"id\":\"oa-3\",\"counter\":\"likes\",\"action\":\"decrement\",\"idempotency_key\":\"oa-b1\"}]}", Map.of()));
  }

  @Test
  void sketchReads() {
    valid("getUnique", http.send("GET", "/v1/oa-1/ranked/unique", null, Map.of()));
    valid("getTop", http.send("GET", "/v1/oa-1/ranked/top?by=user&k=2&window=1m", null, Map.of()));
  }

  @Test
  void health() {
    valid("healthz", http.send("GET", "/healthz", null, Map.of()));
    valid("readyz", http.send("GET", "/readyz", null, Map.of()));
    valid("metrics", http.send("GET", "/metrics", null, Map.of()));
  }

  @Test
  void console() {
    valid("consoleRedirect", http.send("GET", "/console", null, Map.of()));
    valid("console", http.send("GET", "/console/", null, Map.of()));
    valid("console", http.send("GET", "/console/no-such-file.js", null, Map.of()));
  }

  @Test
  void corsPreflight() {
    HttpResponse<String> r = http.send("OPTIONS", "/v1/oa-1/likes", null,
        Map.of("Origin", ORIGIN, "Access-Control-Request-Method", "PUT"));
    assertEquals(204, r.statusCode());
    valid("preflightCount", r);
    valid("preflightBatch", http.send("OPTIONS", "/v1/batch", null, Map.of("Origin", ORIGIN, "Access-Control-Request-Method", "POST")));
    valid("putCount", http.send("PUT", "/v1/oa-4/likes", "{\"action\":\"increment\"}", Map.of("Origin", "https://evil.example")));
  }

  @ParameterizedTest(name = "{0} {1} {2} -> {4} {5}")
  @CsvSource(delimiter = '|', value = {
      "putCount|PUT|/v1/oa-bad/likes|{\"action\":|400|malformed_json",
      "putCount|PUT|/v1/oa-bad/likes|{\"action\":\"explode\"}|400|invalid_action",
      "putCount|PUT|/v1/oa-bad/likes|{\"action\":\"increment\",\"by\":0}|400|invalid_by",
      "putCount|PUT|/v1/oa-bad/likes|{\"action\":\"increment\",\"user\":7}|400|invalid_user",
      "putCount|PUT|/v1/oa-bad/likes|{\"action\":\"decrement\",\"item\":\"x\"}|400|invalid_sketch_field",
      "putCount|PUT|/v1/oa-bad%2Fx/likes|{\"action\":\"increment\"}|400|invalid_key",
      "putCount|PUT|/v1//likes|{\"action\":\"increment\"}|400|invalid_path",
      "postCount|POST|/v1/oa-bad/likes|[]|400|malformed_json",
      "postBatch|POST|/v1/batch|{\"writes\":[]}|400|invalid_batch",
      "postBatch|POST|/v1/batch|{\"writes\":[{\"id\":\"oa-bad\",\"counter\":\"likes\",\"action\":\"nope\"}]}|400|invalid_action",
      "getCount|GET|/v1/oa-bad/likes?scope=planet||400|invalid_scope",
      "getTop|GET|/v1/oa-bad/ranked/top?k=99||400|invalid_k",
      "getTop|GET|/v1/oa-bad/ranked/top?window=7d||400|invalid_window",
      "getTop|GET|/v1/oa-bad/ranked/top?by=song||400|invalid_by",
      "getUnique|GET|/v1/oa-bad/ranked/unique?scope=x||400|invalid_scope",
      "streamCounts|GET|/v1/stream?counters=nothing||400|invalid_key",
      "streamCounts|GET|/v1/stream?counters=||400|invalid_counters",
      "putCount|DELETE|/v1/oa-bad/likes||405|method_not_allowed",
      "postBatch|GET|/v1/batch||405|method_not_allowed",
  })
  void refusalsHaveTheDocumentedErrorShape(String operation, String method, String path, String body, int status, String code) {
    HttpResponse<String> r = http.send(method, path, body, Map.of());
    assertEquals(status, r.statusCode(), r.body());
    assertEquals(code, new JsonObject(r.body()).getJsonObject("error").getString("code"));
    valid(operation, r);
    schema("Error", new JsonObject(r.body()));
  }

  @Test
  void idempotencyKeyOfTheWrongShape() {
    HttpResponse<String> r = http.send("PUT", "/v1/oa-bad/likes", "{\"action\":\"increment\"}", Map.of("Idempotency-Key", "x".repeat(200)));
    assertEquals("invalid_idempotency_key", new JsonObject(r.body()).getJsonObject("error").getString("code"));
    valid("putCount", r);
  }

  @Test
  void tooLargeAndUnknown() {
    HttpResponse<String> big = http.send("PUT", "/v1/oa-bad/likes", "{\"action\":\"increment\",\"pad\":\"" + "x".repeat(8192) + "\"}", Map.of());
    assertEquals(413, big.statusCode());
    valid("putCount", big);
    HttpResponse<String> unknown = http.send("GET", "/v2/anything", null, Map.of());
    assertEquals(404, unknown.statusCode());
    schema("Error", new JsonObject(unknown.body())); // no operation: the shape every error has
    assertEquals(0, countOf("oa-bad", "likes"));
  }

  /** The first events of both kinds of count stream: headers by the validator, each event's data by its schema. */
  @Test
  void countStreams() {
    http.send("PUT", "/v1/oa-5/likes", "{\"action\":\"increment\"}", Map.of());
    streamed("streamCount", "/v1/oa-5/likes/stream", Map.of(), "count");
    streamed("streamCounts", "/v1/stream?counters=oa-5/likes,oa-6/likes", Map.of(), "count");
    streamed("streamCount", "/v1/oa-5/likes/stream", Map.of("Last-Event-ID", "not-an-id"), "reset");
  }

  @Test
  void topStream() {
    streamed("streamTop", "/v1/oa-1/ranked/top/stream?by=item", Map.of(), "top");
  }

  /** Opens the stream, validates its status and headers, then the data of its first {@code event} event. */
  private static void streamed(String operation, String path, Map<String, String> headers, String event) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base() + path)).timeout(Duration.ofSeconds(10)).GET();
    headers.forEach(b::header);
    try {
      HttpResponse<InputStream> r = http.client().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        String first = in.readLine(); // "retry: 2000": the stream's first bytes stand for its body
        validator.validate(ValidatableResponse.create(r.statusCode(), firstValues(r.headers()), Buffer.buffer(first),
            r.headers().firstValue("Content-Type").orElse(null)), operation).await();
        String current = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (String line; System.nanoTime() < deadline && (line = in.readLine()) != null; ) {
          if (line.startsWith("event: ")) {
            current = line.substring(7);
          } else if (line.startsWith("data: ") && event.equals(current)) {
            JsonObject data = new JsonObject(line.substring(6));
            String ref = document.getJsonObject("paths").stream()
                .map(e -> findEvents((JsonObject) e.getValue(), operation)).filter(java.util.Objects::nonNull).findFirst()
                .orElseThrow().getJsonObject(event).getString("$ref");
            schema(ref.substring(ref.lastIndexOf('/') + 1), data);
            return;
          }
        }
        throw new AssertionError("no '" + event + "' event on " + path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The x-sse-events of the operation's 200 answer, if this path item has the operation. */
  private static JsonObject findEvents(JsonObject item, String operation) {
    JsonObject get = item.getJsonObject("get");
    if (get == null || !operation.equals(get.getString("operationId"))) {
      return null;
    }
    return get.getJsonObject("responses").getJsonObject("200").getJsonObject("content")
        .getJsonObject("text/event-stream").getJsonObject("x-sse-events");
  }

  private static long countOf(String id, String counter) {
    return new JsonObject(http.send("GET", "/v1/" + id + "/" + counter, null, Map.of()).body()).getLong("count");
  }

  /** Validates {@code r} as an answer of {@code operation}; the validator's message says what does not match. */
  private static void valid(String operation, HttpResponse<String> r) {
    String type = r.headers().firstValue("Content-Type").orElse(null);
    Buffer body = r.body() == null || r.body().isEmpty() ? null : Buffer.buffer(r.body());
    try {
      validator.validate(ValidatableResponse.create(r.statusCode(), firstValues(r.headers()), body, type), operation).await();
    } catch (RuntimeException e) {
      throw new AssertionError(operation + " answered " + r.statusCode() + " " + type + " " + r.body()
          + " which openapi.json does not allow: " + e.getMessage(), e);
    }
  }

  /** Validates {@code value} against {@code #/components/schemas/<name>} of the document. */
  private static void schema(String name, Object value) {
    OutputUnit out = schemas.validator(JsonSchema.of(new JsonObject().put("$ref", DOC + "#/components/schemas/" + name)),
        new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("app:///")).validate(value);
    assertTrue(out.getValid(), name + ": " + value + " -> " + out);
  }

  private static Map<String, String> firstValues(java.net.http.HttpHeaders headers) {
    Map<String, String> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.map().forEach((k, v) -> out.put(k, v.getFirst()));
    return out;
  }

  /**
   * A text media type (any parameters): its body checked against the document's schema as a string.
   * Vert.x OpenAPI's own text/plain hands the schema the raw buffer, which no schema takes.
   */
  private static MediaTypeRegistration text(String type) {
    return new MediaTypeRegistration() {
      @Override
      public ContentAnalyser createContentAnalyser(String contentType, Buffer content, ValidationContext context) {
        return new ContentAnalyser() {
          @Override
          public void checkSyntacticalCorrectness() {}

          @Override
          public Object transform() {
            return content == null ? "" : content.toString(StandardCharsets.UTF_8);
          }
        };
      }

      @Override
      public boolean canHandle(String mediaType) {
        return mediaType != null && mediaType.toLowerCase(java.util.Locale.ROOT).startsWith(type);
      }

      @Override
      public List<String> supportedTypes() {
        return List.of(type);
      }
    };
  }
}
