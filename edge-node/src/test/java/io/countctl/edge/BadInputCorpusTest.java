package io.countctl.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.config.Settings;
import io.countctl.testkit.TestServers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue #15 item 16: a corpus of malformed bodies, paths, headers, methods, batches, stream
 * queries and raw protocol abuse, generated here (a fixed seed), each sent on its own connection
 * to a real edge. Every answer is a 4xx (never a 2xx, never a 5xx); raw protocol abuse may instead
 * have its connection closed unanswered. The counter under attack is read back unchanged, and the
 * edge still serves.
 */
class BadInputCorpusTest {
  static final String SECRET = "corpus-secret";
  static final String TARGET = "/v1/corpus/likes";
  static TestServers servers;
  static EdgeNode edge;
  static EdgeHttp http;

  @BeforeAll
  static void start() {
    servers = TestServers.start();
    Map<String, String> settings = servers.settings("corpus", Map.of(
        "COUNT_PARTITIONS", "2",
        "COUNT_EVENT_LOOPS", "2",
        "COUNT_INTERNAL_SECRET", SECRET,
        "COUNT_MAX_BATCH_WRITES", "50",
        "COUNT_SSE_MAX_COUNTERS", "5"));
    // A body that never comes gets its 408 soon; bytes that never make a request line are cut off
    // by the idle timeout (which the heartbeat must stay below).
    settings.putAll(Map.of("COUNT_REQUEST_READ_TIMEOUT_MS", "1000", "COUNT_IDLE_TIMEOUT_MS", "2000",
        "COUNT_SSE_HEARTBEAT_MS", "500"));
    edge = EdgeNode.start(EdgeConfig.from(Settings.of(settings)));
    http = EdgeHttp.to(edge.port());
  }

  @AfterAll
  static void stop() {
    edge.close();
    servers.close();
  }

  /** One request of the corpus: what it is, its bytes, and whether a closed connection is an answer. */
  record Case(String name, byte[] bytes, boolean rawAbuse, boolean internal) {
    static Case http(String name, String method, String target, List<String> headers, byte[] body) {
      StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: edge\r\n");
      headers.forEach(h -> head.append(h).append("\r\n"));
      if (body != null && headers.stream().noneMatch(h -> h.toLowerCase().startsWith("content-length")
          || h.toLowerCase().startsWith("transfer-encoding"))) {
        head.append("Content-Length: ").append(body.length).append("\r\n");
      }
      head.append("Connection: close\r\n\r\n");
      byte[] h = head.toString().getBytes(StandardCharsets.UTF_8);
      byte[] b = body == null ? new byte[0] : body;
      byte[] all = new byte[h.length + b.length];
      System.arraycopy(h, 0, all, 0, h.length);
      System.arraycopy(b, 0, all, h.length, b.length);
      return new Case(name, all, false, false);
    }

    static Case json(String name, String method, String target, String body) {
      return http(name, method, target, List.of("Content-Type: application/json"), BadInputCorpusTest.bytes(body));
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static List<Case> corpus() {
    List<Case> cases = new ArrayList<>();
    Random random = new Random(15);
    String valid = "{\"action\":\"increment\",\"by\":5}";

    // Bodies of a single write.
    List<String> bodies = new ArrayList<>(List.of("", " ", "{", "}", "[]", "[{}]", "null", "true", "1", "\"increment\"",
        "{}", "{\"action\":\"\"}", "{\"action\":\"inc\"}", "{\"action\":\"INCREMENT\"}", "{\"action\":null}",
        "{\"action\":1}", "{\"action\":[\"increment\"]}", "{\"action\":{\"x\":1}}", "{\"Action\":\"increment\"}",
        "{\"action\":\"increment\",\"by\":0}", "{\"action\":\"increment\",\"by\":-1}",
        "{\"action\":\"increment\",\"by\":1000001}", "{\"action\":\"increment\",\"by\":1.5}",
        "{\"action\":\"increment\",\"by\":1e3}", "{\"action\":\"increment\",\"by\":\"5\"}",
        "{\"action\":\"increment\",\"by\":true}", "{\"action\":\"increment\",\"by\":[1]}",
        "{\"action\":\"increment\",\"by\":99999999999999999999999}", "{\"action\":\"increment\",\"by\":9223372036854775807}",
        "{\"action\":\"decrement\",\"by\":-9223372036854775808}", "{\"action\":\"increment\",\"by\":NaN}",
        "{\"action\":\"increment\",\"by\":Infinity}", "{\"action\":\"increment\",\"user\":5}",
        "{\"action\":\"increment\",\"item\":[]}", "{\"action\":\"increment\",\"user\":\"" + "u".repeat(5000) + "\"}",
        "{'action':'increment'}", "{action:increment}", "{\"action\":\"increment\",}", "{\"action\":\"increment\"}}",
        "{\"action\":\"increment\"} {\"action\":\"increment\"}", "{\"action\":\"incr\\u0000ement\"}",
        "{\"action\":\"increment\"" + ",\"x\":[".repeat(1) + "]", "[".repeat(5000) + "]".repeat(5000),
        "{\"a\":".repeat(3000) + "1" + "}".repeat(3000), "\uFEFF{\"action\":\"increment\"", "{\"action\":\"incre\uD800ment\"}"));
    for (int i = 1; i < valid.length(); i++) {
      bodies.add(valid.substring(0, i)); // every truncation of a valid write
    }
    for (String b : bodies) {
      cases.add(Case.json("PUT body " + abbreviate(b), "PUT", TARGET, b));
    }
    for (int i = 0; i < 30; i++) {
      byte[] garbage = new byte[1 + random.nextInt(200)];
      random.nextBytes(garbage);
      cases.add(Case.http("PUT random bytes #" + i, "PUT", TARGET, List.of("Content-Type: application/json"), garbage));
    }
    cases.add(Case.http("PUT invalid UTF-8", "PUT", TARGET, List.of(), new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}));
    cases.add(Case.json("PUT body over the write limit", "PUT", TARGET,
        "{\"action\":\"increment\",\"pad\":\"" + "x".repeat(8000) + "\"}"));

    // Batches (all or nothing: one bad entry refuses the whole request).
    String good = "{\"id\":\"corpus\",\"counter\":\"likes\",\"action\":\"increment\"}";
    List<String> batches = new ArrayList<>(List.of("", "[]", "{}", "{\"writes\":null}", "{\"writes\":{}}", "{\"writes\":[]}",
        "{\"writes\":\"x\"}", "{\"writes\":[1]}", "{\"writes\":[null]}", "{\"writes\":[[]]}", "{\"writes\":[{}]}",
        "{\"writes\":[{\"id\":\"corpus\",\"counter\":\"likes\"}]}",
        "{\"writes\":[{\"id\":\"corpus\",\"action\":\"increment\"}]}",
        "{\"writes\":[{\"id\":1,\"counter\":\"likes\",\"action\":\"increment\"}]}",
        "{\"writes\":[{\"id\":\"a/b\",\"counter\":\"likes\",\"action\":\"increment\"}]}",
        "{\"writes\":[{\"id\":\"\",\"counter\":\"likes\",\"action\":\"increment\"}]}",
        "{\"writes\":[" + good + ",{\"id\":\"corpus\",\"counter\":\"likes\",\"action\":\"increment\",\"by\":0}]}",
        "{\"writes\":[" + good + "," + good + ",{\"id\":\"corpus\",\"counter\":\"likes\",\"action\":\"explode\"}]}",
        "{\"writes\":[" + good + ",{\"id\":\"corpus\",\"counter\":\"" + "c".repeat(65) + "\",\"action\":\"increment\"}]}",
        "{\"writes\":[" + (good + ",").repeat(50) + good + "]}", // 51 > COUNT_MAX_BATCH_WRITES
        "{\"writes\":[" + good + "]", "{\"writes\":[" + good + ",]}"));
    String validBatch = "{\"writes\":[" + good + "]}";
    for (int i = 1; i < validBatch.length(); i += 3) {
      batches.add(validBatch.substring(0, i));
    }
    for (String b : batches) {
      cases.add(Case.json("batch " + abbreviate(b), "POST", "/v1/batch", b));
    }
    cases.add(Case.json("batch over the body limit", "POST", "/v1/batch", "{\"writes\":[" + "x".repeat(1 << 21) + "]}"));

    // Paths.
    List<String> paths = List.of("/v1//likes", "/v1/corpus/", "/v1/corpus", "/v1/", "/v1", "/", "/v2/corpus/likes",
        "/v1/corpus/likes/extra/more", "/v1/a%2Fb/likes", "/v1/corpus/li%2Fkes", "/v1/a%20b/likes", "/v1/a%00b/likes",
        "/v1/a%0Ab/likes", "/v1/a,b/likes", "/v1/" + "i".repeat(257) + "/likes", "/v1/corpus/" + "c".repeat(65),
        "/v1/%/likes", "/v1/%zz/likes", "/v1/../v1/corpus/likes/..", "/V1/corpus/likes", "/v1/corpus/likes%",
        "/v1/%E0%A4%A/likes", "/internal/totals", "/internal/resubscribe");
    for (String p : paths) {
      cases.add(Case.json("PUT " + abbreviate(p), "PUT", p, valid));
      cases.add(Case.http("GET " + abbreviate(p), "GET", p, List.of(), null));
    }
    cases.add(Case.http("GET bad scope", "GET", TARGET + "?scope=everywhere", List.of(), null));
    cases.add(Case.http("GET with a body over the limit", "GET", TARGET, List.of(), bytes("x".repeat(8000))));

    // Stream queries and sketch queries.
    List<String> streams = List.of("/v1/stream", "/v1/stream?counters=", "/v1/stream?counters=,,,", "/v1/stream?counters=corpus",
        "/v1/stream?counters=a/b/c", "/v1/stream?counters=/likes", "/v1/stream?counters=corpus/", "/v1/stream?other=corpus/likes",
        "/v1/stream?counters=a/1,a/2,a/3,a/4,a/5,a/6", "/v1/stream?counters=a%20b/likes", "/v1/stream?counters=%zz",
        "/v1//likes/stream", "/v1/corpus/" + "c".repeat(65) + "/stream", "/v1/corpus/likes/top?by=nobody",
        "/v1/corpus/likes/top?k=-1", "/v1/corpus/likes/top?k=abc", "/v1/corpus/likes/top?k=100000",
        "/v1/corpus/likes/top?window=forever", "/v1/corpus/likes/top/stream?by=x", "/v1/corpus/likes/top/stream?k=0",
        "/v1/a%2Fb/likes/unique", "/v1//likes/unique", "/v1/corpus/likes/regions/extra");
    for (String s : streams) {
      cases.add(Case.http("stream " + abbreviate(s), "GET", s, List.of(), null));
    }

    // Headers.
    List<List<String>> headers = List.of(
        List.of("Content-Length: abc"), List.of("Content-Length: -1"), List.of("Content-Length: 1, 2"),
        List.of("Content-Length: 5", "Content-Length: 6"), List.of("Content-Length: 99999999999999999999"),
        List.of("Transfer-Encoding: chunked", "Content-Length: 5"), List.of("Transfer-Encoding: gzip"),
        List.of("Content-Encoding: gzip"), List.of("Idempotency-Key: " + "k".repeat(300)), List.of("Idempotency-Key: a b"),
        List.of("Idempotency-Key: \u0001"), List.of("X-Big: " + "b".repeat(9000)), List.of("NoColonHere"),
        List.of(": no-name"), List.of("Bad Name: x"),
        List.of("X-Nul: a\u0000b"));
    for (List<String> h : headers) {
      List<String> all = new ArrayList<>(h);
      all.add("Content-Type: application/json");
      cases.add(Case.http("headers " + abbreviate(String.join(" | ", h)), "PUT", TARGET, all,
          bytes(h.get(0).startsWith("Content-Encoding") ? "garbage-not-gzip" : valid)));
    }

    // Methods.
    for (String m : List.of("DELETE", "PATCH", "POST", "TRACE", "CONNECT", "FOO", "put", "G\u00C9T")) {
      for (String p : List.of(TARGET, "/v1/batch", TARGET + "/stream")) {
        // POST /v1/batch, and POST /v1/{id}/{counter} (a write as PUT is: sendBeacon), are routes.
        if (!(m.equals("POST") && (p.equals("/v1/batch") || p.equals(TARGET)))) {
          cases.add(Case.json(m + " " + p, m, p, valid));
        }
      }
    }
    cases.add(Case.json("PUT on the batch route", "PUT", "/v1/batch", "{\"writes\":[" + good + "]}"));
    cases.add(Case.json("POST a bad write", "POST", TARGET, "{\"action\":\"explode\"}"));

    // Raw protocol abuse.
    List<String> raw = List.of(
        "PUT " + TARGET + " HTTP/1.1\r\nHost: e\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n" + valid + "\r\n0\r\n\r\n",
        "PUT " + TARGET + " HTTP/1.1\r\nHost: e\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\n" + valid + "\r\n0\r\n\r\n",
        "PUT " + TARGET + " HTTP/1.1\r\nHost: e\r\nTransfer-Encoding: chunked\r\n\r\n-1d\r\n" + valid + "\r\n0\r\n\r\n",
        "PUT " + TARGET + " HTTP/1.1\r\nHost: e\r\nTransfer-Encoding: chunked\r\n\r\n1d\r\n" + valid + "XX0\r\n\r\n",
        "POST /v1/batch HTTP/1.1\r\nHost: e\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=\"unterminated\r\n{\"wri\r\n0\r\n\r\n",
        "GET " + TARGET + " HTTP/1.1\r\nHost: e\r\nTransfer-Encoding: chunked\r\n\r\nq\r\n",
        "GET " + TARGET + "\r\n\r\n", "GET\r\n\r\n", "\r\n\r\n\r\n",
        "GET " + TARGET + " HTTP/1.1 extra\r\nHost: e\r\n\r\n",
        "GET /v1/a\u0000b/likes HTTP/1.1\r\nHost: e\r\n\r\n", "GET /v1/" + "a".repeat(6000) + "/likes HTTP/1.1\r\nHost: e\r\n\r\n",
        "PUT " + TARGET + " HTTP/1.1\nHost: e\nContent-Length: 29\n\n" + valid.replace("5", "6") + "\n",
        "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003", // a TLS ClientHello to the plain port
        "SSH-2.0-OpenSSH_9.6\r\n", "\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000",
        "PUT " + TARGET + " HTTP/1.1\r\nHost: e\r\nContent-Length: 29\r\nContent-Length: 29\r\n\r\n" + valid,
        "PUT " + TARGET + " HTTP/1.1\r\nHost: e\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n1d\r\n"
            + valid + "\r\n0\r\n\r\n",
        "PUT " + TARGET + " HTTP/1.1\r\nHost: e\r\nContent-Length: 29\r\nTransfer-Encoding: chunked\r\n\r\n1d\r\n"
            + valid + "\r\n0\r\n\r\n");
    for (String r : raw) {
      cases.add(new Case("raw " + abbreviate(r), r.getBytes(StandardCharsets.ISO_8859_1), true, false));
    }
    for (int i = 0; i < 20; i++) {
      byte[] garbage = new byte[1 + random.nextInt(300)];
      random.nextBytes(garbage);
      cases.add(new Case("raw random bytes #" + i, garbage, true, false));
    }

    // The internal port: refused without the secret, garbage refused with it.
    for (String secret : List.of("", "X-Count-Secret: wrong", "X-Count-Secret: " + SECRET)) {
      List<String> h = secret.isEmpty() ? List.of("Content-Type: application/json") : List.of("Content-Type: application/json", secret);
      for (String b : List.of("", "{", "{\"changes\":1}", "{\"changes\":[1]}", "{\"changes\":[{\"id\":\"corpus\"}]}",
          "{\"changes\":[{\"id\":\"corpus\",\"counter\":\"likes\",\"p\":\"1\",\"n\":0}]}",
          "{\"changes\":[{\"id\":\"a/b\",\"counter\":\"likes\",\"p\":1,\"n\":0}]}")) {
        Case c = Case.http("internal " + (secret.isEmpty() ? "no secret" : secret) + " " + abbreviate(b), "POST",
            "/internal/totals", h, bytes(b));
        cases.add(new Case(c.name(), c.bytes(), false, true));
      }
    }
    return cases;
  }

  static String abbreviate(String s) {
    String clean = s.replaceAll("[\\p{Cntrl}]", "?");
    return clean.length() > 60 ? clean.substring(0, 60) + "…(" + s.length() + ")" : clean;
  }

  /** Sends one case on its own connection; what is not a 4xx (or, for raw abuse, a close) goes to {@code wrong}. */
  static void check(Case c, List<String> wrong, java.util.concurrent.atomic.AtomicInteger answered) {
    try (RawHttp raw = new RawHttp(c.internal() ? edge.internalPort() : edge.port())) {
      raw.trySend(new String(c.bytes(), StandardCharsets.ISO_8859_1));
      RawHttp.Response r;
      try {
        r = raw.read();
      } catch (AssertionError timeout) {
        wrong.add(c.name() + ": " + timeout.getMessage());
        return;
      }
      if (r == null) {
        if (!c.rawAbuse()) {
          wrong.add(c.name() + ": closed without an answer");
        }
      } else if (r.status() < 400 || r.status() > 499) {
        wrong.add(c.name() + ": " + r.status() + " " + r.body());
      } else {
        answered.incrementAndGet();
        if (!r.body().isEmpty() && !r.body().startsWith("{\"error\"")) {
          wrong.add(c.name() + ": " + r.status() + " without the JSON error body: " + r.body());
        }
      }
    }
  }

  @Test
  void everyMalformedRequestGetsA4xxAndChangesNothing() {
    http.put("corpus", "likes", "{\"action\":\"increment\",\"by\":7}");
    List<Case> cases = corpus();
    assertTrue(cases.size() >= 300, "a few hundred cases: " + cases.size());
    List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
    // 16 at a time: cases the edge can only drop by its idle timeout take a second or two each.
    java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(16);
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (Case c : cases) {
        slots.acquireUninterruptibly();
        pool.execute(() -> {
          try {
            check(c, wrong, answered);
          } finally {
            slots.release();
          }
        });
      }
    }
    // The one 5xx: an unknown HTTP version is answered by Vert.x itself (501, connection closed)
    // before any handler of the edge runs; RFC 9110 answers it with a 5xx (505) too.
    try (RawHttp raw = new RawHttp(edge.port())) {
      RawHttp.Response r = raw.send("PUT " + TARGET + " HTTP/9.9\r\nHost: e\r\nContent-Length: 29\r\n\r\n"
          + "{\"action\":\"increment\",\"by\":5}").read();
      assertEquals(501, r == null ? 0 : r.status());
      assertTrue(raw.closedWithin(2000));
    }
    assertEquals(List.of(), wrong, wrong.size() + " of " + cases.size() + " cases");
    assertTrue(answered.get() > cases.size() * 9 / 10, answered + " of " + cases.size() + " answered");
    assertEquals(7, http.count("corpus", "likes"), "no malformed request changed the counter");
    // Still serving.
    assertEquals(200, http.send("GET", "/healthz", null).statusCode());
    assertEquals(8, http.put("corpus", "likes", "{\"action\":\"increment\"}").getLong("count"));
  }
}
