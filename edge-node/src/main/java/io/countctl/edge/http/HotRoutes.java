package io.countctl.edge.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/**
 * The two requests nearly all traffic is, {@code PUT} and {@code GET} of {@code /v1/{id}/{counter}}
 * over HTTP/1.1 (and {@code POST}, the same write as {@code PUT}: {@code navigator.sendBeacon}),
 * answered without the router: Vert.x Web's route matching (a regular expression per
 * route), routing context, body handler and per-request read timer were most of a request's CPU
 * and allocation (bench/RESULTS.md, "Edge write and read path: profile"). They run the same code
 * as the router's routes ({@link EdgeRoutes}), so answers and errors are the same.
 *
 * <p>Only plain shapes are taken here: a path whose two segments need no decoding or
 * normalization, a write body with a {@code Content-Length} within the write limit and no {@code
 * Transfer-Encoding}, {@code Expect} or form content type, a read without a query or body.
 * Anything else — chunked or oversized bodies, escapes, dot segments, {@code ?scope=}, HTTP/2 —
 * goes to the router, which answers it exactly as before; with CORS on, so does every request that
 * carries an {@code Origin} header ({@link CrossOrigin} is on the router). One instance per event loop.
 */
public final class HotRoutes implements Handler<HttpServerRequest> {
  private static final String PREFIX = "/v1/";
  /**
   * The path this class answers, as OpenAPI writes it; {@link #handle} takes it for the methods of
   * {@link #METHODS}. Listed for the OpenAPI document's route coverage test.
   */
  public static final String PATH = "/v1/{id}/{counter}";
  /** The methods {@link #handle} answers on {@link #PATH} (compared one by one there: it is the hot path). */
  public static final java.util.List<HttpMethod> METHODS = java.util.List.of(HttpMethod.PUT, HttpMethod.GET, HttpMethod.POST);

  private final EdgeRoutes routes;
  private final Handler<HttpServerRequest> router;
  private final int maxWriteBodyBytes;
  private final BodyDeadlines deadlines;
  private final boolean crossOrigin;

  /**
   * @param crossOrigin whether CORS is on: then a request with an {@code Origin} header goes to the
   *     router, whose {@link CrossOrigin} answers it; requests without one stay here, as fast as ever
   */
  HotRoutes(EdgeRoutes routes, Handler<HttpServerRequest> router, int maxWriteBodyBytes, BodyDeadlines deadlines,
      boolean crossOrigin) {
    this.routes = routes;
    this.router = router;
    this.maxWriteBodyBytes = maxWriteBodyBytes;
    this.deadlines = deadlines;
    this.crossOrigin = crossOrigin;
  }

  @Override
  public void handle(HttpServerRequest request) {
    HttpMethod method = request.method();
    if ((method == HttpMethod.PUT || method == HttpMethod.GET || method == HttpMethod.POST)
        && request.version() == HttpVersion.HTTP_1_1
        && !(crossOrigin && request.headers().contains(HttpHeaders.ORIGIN))) {
      String path = request.path();
      int slash = split(path);
      if (slash > 0) {
        if (method == HttpMethod.GET ? get(request, path, slash) : put(request, path, slash)) {
          return;
        }
      }
    }
    router.handle(request);
  }

  private boolean get(HttpServerRequest request, String path, int slash) {
    if (request.query() != null || request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
      return false;
    }
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && !length.equals("0")) {
      return false; // a body to read (and limit) first: the router does that
    }
    routes.hotGet(request, path.substring(PREFIX.length(), slash), path.substring(slash + 1));
    return true;
  }

  private boolean put(HttpServerRequest request, String path, int slash) {
    var headers = request.headers();
    if (headers.contains(HttpHeaders.TRANSFER_ENCODING) || headers.contains(HttpHeaders.EXPECT)) {
      return false;
    }
    long length = contentLength(request.getHeader(HttpHeaders.CONTENT_LENGTH));
    if (length < 0 || length > maxWriteBodyBytes) {
      return false; // none (an empty body), unreadable or too large: the router answers it
    }
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null && form(type)) {
      return false; // the body handler would read it as form fields
    }
    new BodyRead(request, path.substring(PREFIX.length(), slash), path.substring(slash + 1)).start();
    return true;
  }

  /** Reads one write's body (at most the write limit: its Content-Length said so), then writes. */
  private final class BodyRead implements Handler<Buffer> {
    private final HttpServerRequest request;
    private final String id;
    private final String counter;
    private Buffer body;
    private boolean copied;
    private BodyDeadlines.Node deadline;

    BodyRead(HttpServerRequest request, String id, String counter) {
      this.request = request;
      this.id = id;
      this.counter = counter;
    }

    void start() {
      request.handler(this).endHandler(v -> end()).exceptionHandler(this::failed);
      if (!request.isEnded()) {
        deadline = deadlines.add(request);
      }
    }

    @Override
    public void handle(Buffer chunk) {
      if (body == null) {
        body = chunk; // the usual case: the whole body in one piece
      } else {
        if (!copied) {
          body = Buffer.buffer(maxWriteBodyBytes).appendBuffer(body);
          copied = true;
        }
        body.appendBuffer(chunk);
      }
    }

    private void end() {
      if (deadline != null) {
        deadlines.remove(deadline);
      }
      if (!request.response().ended()) { // not answered 408 meanwhile
        routes.hotPut(request, id, counter, body == null ? Buffer.buffer() : body);
      }
    }

    /** As the router's failure handler answers a body the decoder broke off. */
    private void failed(Throwable failure) {
      if (deadline != null) {
        deadlines.remove(deadline);
      }
      if (!request.isEnded()) {
        MalformedRequests.refuse(request, 400, "malformed_http", "the request body is not valid HTTP/1.1"
            + (failure.getMessage() == null ? "" : ": " + failure.getMessage()));
      }
    }
  }

  /**
   * The index of the slash between id and counter in {@code /v1/{id}/{counter}}, or -1 when the
   * path is not exactly that or a segment would need decoding or normalizing ({@code %}, {@code
   * +}, dot segments, characters outside printable ASCII): those go to the router.
   */
  static int split(String path) {
    if (path == null || !path.startsWith(PREFIX)) {
      return -1;
    }
    int slash = path.indexOf('/', PREFIX.length());
    int end = path.length();
    if (slash <= PREFIX.length() || slash == end - 1 || path.indexOf('/', slash + 1) >= 0) {
      return -1;
    }
    for (int i = PREFIX.length(); i < end; i++) {
      char c = path.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '%' || c == '+' || c == ';' || c == '#' || c == '?') {
        return -1;
      }
    }
    if (dots(path, PREFIX.length(), slash) || dots(path, slash + 1, end)) {
      return -1;
    }
    return slash;
  }

  private static boolean dots(String path, int from, int to) {
    int n = to - from;
    return (n == 1 || n == 2) && path.charAt(from) == '.' && path.charAt(to - 1) == '.';
  }

  /** A Content-Length of plain digits, or -1. */
  private static long contentLength(String value) {
    if (value == null || value.isEmpty() || value.length() > 9) {
      return -1;
    }
    long n = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  private static boolean form(String type) {
    String t = type.strip();
    return t.regionMatches(true, 0, "multipart/", 0, 10)
        || t.regionMatches(true, 0, "application/x-www-form-urlencoded", 0, 33);
  }
}
