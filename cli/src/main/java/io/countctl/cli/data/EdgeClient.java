package io.countctl.cli.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The few edge calls the data commands make, with errors a person can act on.
 *
 * <p>One request per command, so start-up is what counts: {@link HttpURLConnection} answers a
 * first request in ~0.1 s, where {@code java.net.http.HttpClient} spends 0.4-0.7 s building its
 * default TLS context before the first byte (measured on this project's 2-core machines; see
 * bench/RESULTS.md, "countctl start-up"). Answers are read with {@link EdgeJson}, not Vert.x's
 * {@code JsonObject}, for the same reason.
 */
final class EdgeClient {
  private static final int CONNECT_TIMEOUT_MS = 3_000;
  private static final int READ_TIMEOUT_MS = 30_000;
  private final URI base;

  EdgeClient(URI base) {
    this.base = base;
  }

  Map<String, Object> write(String counter, String id, boolean increment, long by, String idempotencyKey) {
    Map<String, Object> write = new LinkedHashMap<>();
    write.put("action", increment ? "increment" : "decrement");
    write.put("by", by);
    String body = EdgeJson.encode(write);
    return send("PUT", path(id, counter), body, idempotencyKey);
  }

  Map<String, Object> read(String counter, String id) {
    return read(counter, id, "global");
  }

  /** {@code scope}: global (every region) or region (the edge's region only). */
  Map<String, Object> read(String counter, String id, String scope) {
    URI uri = scope.equals("global") ? path(id, counter) : URI.create(path(id, counter) + "?scope=" + enc(scope));
    return send("GET", uri, null, null);
  }

  /** {@code GET /v1/{id}/{counter}/unique}. */
  Map<String, Object> unique(String counter, String id) {
    return send("GET", URI.create(path(id, counter) + "/unique"), null, null);
  }

  /** {@code GET /v1/{id}/{counter}/top}; null parameters are left to the edge's defaults. */
  Map<String, Object> top(String counter, String id, String by, Integer k, String window) {
    return send("GET", topUri(counter, id, by, k, window, false), null, null);
  }

  /** The URI of {@code /top} or {@code /top/stream} with the given parameters. */
  URI topUri(String counter, String id, String by, Integer k, String window, boolean stream) {
    StringBuilder q = new StringBuilder();
    if (by != null) {
      q.append("&by=").append(enc(by));
    }
    if (k != null) {
      q.append("&k=").append(k);
    }
    if (window != null) {
      q.append("&window=").append(enc(window));
    }
    return URI.create(path(id, counter) + (stream ? "/top/stream" : "/top") + (q.isEmpty() ? "" : "?" + q.substring(1)));
  }

  URI base() {
    return base;
  }

  private URI path(String id, String counter) {
    return base.resolve("/v1/" + enc(id) + "/" + enc(counter));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private Map<String, Object> send(String method, URI uri, String body, String idempotencyKey) {
    HttpURLConnection c = null;
    try {
      c = (HttpURLConnection) uri.toURL().openConnection();
      c.setRequestMethod(method);
      c.setConnectTimeout(CONNECT_TIMEOUT_MS);
      c.setReadTimeout(READ_TIMEOUT_MS);
      c.setUseCaches(false);
      if (idempotencyKey != null) {
        c.setRequestProperty("Idempotency-Key", idempotencyKey);
      }
      if (body != null) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/json");
        // Streaming mode also keeps HttpURLConnection from silently re-sending the PUT after an
        // I/O error (it does for buffered bodies): a write must not be sent twice behind our back.
        c.setFixedLengthStreamingMode(bytes.length);
        try (OutputStream out = c.getOutputStream()) {
          out.write(bytes);
        }
      }
      int status = c.getResponseCode();
      String text;
      try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
        text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      Map<String, Object> answer;
      try {
        answer = EdgeJson.parseObject(text);
      } catch (RuntimeException e) {
        throw new EdgeError(base + " answered " + status + " with a body that is not JSON: is it a Count edge?");
      }
      if (status != 200) {
        @SuppressWarnings("unchecked")
        Map<String, Object> err = answer.get("error") instanceof Map<?, ?> e ? (Map<String, Object>) e : Map.of();
        throw new EdgeError(orElse(EdgeJson.getString(err, "message"), "HTTP " + status)
            + " (" + orElse(EdgeJson.getString(err, "code"), "error") + ")");
      }
      return answer;
    } catch (ConnectException e) {
      throw new EdgeError("no edge at " + base + ": start one with `countctl dev`, or pass --url");
    } catch (SocketTimeoutException e) {
      throw new EdgeError(base + " did not answer in time (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new EdgeError("talking to " + base + " failed: " + e.getMessage());
    } finally {
      if (c != null) {
        c.disconnect();
      }
    }
  }

  private static String orElse(String s, String otherwise) {
    return s == null ? otherwise : s;
  }

  /** An edge call that failed; the message is for the user. */
  static final class EdgeError extends RuntimeException {
    EdgeError(String message) {
      super(message, null, false, false);
    }
  }
}
