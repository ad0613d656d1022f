package io.countctl.cli.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.RequestOptions;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/1.1 keep-alive connection with one request in flight, as a wrk connection: it sends
 * the next write when the answer to the last has been read (closed loop), or at its next slot of
 * a {@link Pacer} ({@code --rate}). Everything runs on the event loop the connection belongs to,
 * so its fields need no synchronisation. A connection lost mid-request makes that write
 * uncertain; the next write opens a new connection.
 */
final class BenchConnection {
  private static final int MAX_ATTEMPTS = 50;

  private final LoadGenerator load;
  private final Vertx vertx;
  private final HttpClientAgent agent;
  private final HttpConnectOptions connect;
  private final RequestOptions[] puts;
  private final RequestOptions batch;
  private Pacer pacer;
  private long deadline;
  private final String keyPrefix;
  private final SplittableRandom rnd;
  private final Promise<Void> done = Promise.promise();
  private HttpClientConnection conn;
  private long seq;

  BenchConnection(LoadGenerator load, Vertx vertx, HttpClientAgent agent, LoadGenerator.Edge edge, int index) {
    this.load = load;
    this.vertx = vertx;
    this.agent = agent;
    this.connect = new HttpConnectOptions().setHost(edge.host()).setPort(edge.port()).setSsl(edge.ssl())
        .setConnectTimeout(3_000);
    this.puts = edge.puts();
    this.batch = edge.batch();
    this.keyPrefix = load.runId() + "-" + index + "-";
    this.rnd = new SplittableRandom(System.nanoTime() ^ ((long) index << 32));
  }

  /**
   * Opens the connection before the clock starts, so that connecting (and, in a fresh JVM, loading
   * the client's classes) is not measured. Succeeds either way: a connection that could not open
   * tries again on its first write (call on the connection's event loop).
   */
  Future<Void> open() {
    return agent.connect(connect).compose(c -> {
      adopt(c);
      return Future.<Void>succeededFuture();
    }, e -> Future.succeededFuture());
  }

  /**
   * Starts sending (call on the connection's event loop): closed loop without a pacer, on its
   * schedule with one; completes when the deadline passed.
   */
  Future<Void> start(Pacer pacer, long deadline) {
    this.pacer = pacer;
    this.deadline = deadline;
    next();
    return done.future();
  }

  private void adopt(HttpClientConnection c) {
    c.closeHandler(v -> {
      if (conn == c) {
        conn = null;
      }
    });
    conn = c;
  }

  private void next() {
    long now = System.nanoTime();
    if (now >= deadline) {
      finish();
      return;
    }
    if (pacer == null) {
      write();
      return;
    }
    long at = pacer.sendAt(now);
    if (at >= deadline) {
      finish();
    } else if (at > now) {
      vertx.timer(at - now, TimeUnit.NANOSECONDS).onComplete(t -> write());
    } else {
      write();
    }
  }

  private void finish() {
    if (conn != null) {
      conn.close();
      conn = null;
    }
    done.tryComplete();
  }

  private void write() {
    Write w = load.batchSize() > 0 ? batchWrite() : singleWrite();
    attempt(w, 0, LoadGenerator.Outcome.REFUSED, false);
  }

  private Write singleWrite() {
    int counter = load.pick(rnd);
    boolean up = rnd.nextDouble() < load.incrementShare();
    String key = load.idempotent() ? keyPrefix + seq++ : null;
    return new Write(puts[counter], up ? LoadGenerator.INCREMENT : LoadGenerator.DECREMENT, key,
        new int[] {counter}, new boolean[] {up});
  }

  private Write batchWrite() {
    int n = load.batchSize();
    int[] counters = new int[n];
    boolean[] ups = new boolean[n];
    StringBuilder body = new StringBuilder(64 * n).append("{\"writes\":[");
    for (int i = 0; i < n; i++) {
      counters[i] = load.pick(rnd);
      ups[i] = rnd.nextDouble() < load.incrementShare();
      body.append(i == 0 ? "" : ",").append("{\"id\":\"").append(load.id(counters[i]))
          .append("\",\"counter\":\"likes\",\"action\":\"").append(ups[i] ? "increment" : "decrement").append('"');
      if (load.idempotent()) {
        body.append(",\"idempotency_key\":\"").append(keyPrefix).append(seq++).append('"');
      }
      body.append('}');
    }
    return new Write(batch, Buffer.buffer(body.append("]}").toString()), null, counters, ups);
  }

  /** Sends once, or with an idempotency key until acknowledged (bounded), then settles the write. */
  private void attempt(Write w, int attempt, LoadGenerator.Outcome last, boolean measuredBefore) {
    if (conn == null) {
      agent.connect(connect).onComplete(ar -> {
        if (ar.failed()) { // nothing was sent on this attempt
          load.error("connect");
          retryOrSettle(w, attempt, last, true, measuredBefore);
          return;
        }
        adopt(ar.result());
        attempt(w, attempt, last, measuredBefore);
      });
      return;
    }
    HttpClientConnection c = conn;
    long start = System.nanoTime();
    boolean measured = load.sent(start) || measuredBefore;
    c.request(w.options())
        .compose(req -> {
          if (w.key() != null) {
            req.putHeader("Idempotency-Key", w.key());
          }
          return req.send(w.body());
        })
        .compose(this::status)
        .onComplete(ar -> {
          if (ar.failed()) {
            load.error("io");
            if (conn == c) { // a half-answered connection is no use for the next request
              conn = null;
              c.close();
            }
            retryOrSettle(w, attempt, LoadGenerator.Outcome.UNCERTAIN, false, measured);
            return;
          }
          if (measured) {
            load.latencies().record((System.nanoTime() - start) / 1_000);
          }
          int status = ar.result();
          if (status == 200) {
            settle(w, LoadGenerator.Outcome.ACKED, measured);
            return;
          }
          load.error(Integer.toString(Math.abs(status)));
          // A 503 "not_confirmed" was accepted and may still count; every other refusal changed nothing.
          LoadGenerator.Outcome o = status == NOT_CONFIRMED || last == LoadGenerator.Outcome.UNCERTAIN
              ? LoadGenerator.Outcome.UNCERTAIN : LoadGenerator.Outcome.REFUSED;
          if (Math.abs(status) < 500) {
            settle(w, o, measured); // bad input is not retried
          } else {
            retryOrSettle(w, attempt, o, false, measured);
          }
        });
  }

  /** -503 stands for a 503 whose body says not_confirmed. */
  private static final int NOT_CONFIRMED = -503;

  private Future<Integer> status(HttpClientResponse resp) {
    int s = resp.statusCode();
    Future<Integer> answer = s == 200 ? resp.end().map(v -> 200)
        : resp.body().map(b -> s == 503 && b.toString().contains("not_confirmed") ? NOT_CONFIRMED : s);
    HttpClientConnection c = conn;
    if (c != null && "close".equalsIgnoreCase(resp.getHeader("Connection"))) {
      // The server closes after this answer (nginx after keepalive_requests): the next write
      // goes on a new connection instead of failing on this one, as wrk does.
      conn = null;
      answer = answer.andThen(x -> c.close());
    }
    return answer;
  }

  private void retryOrSettle(Write w, int attempt, LoadGenerator.Outcome last, boolean connectFailed,
      boolean measured) {
    if (load.idempotent() && attempt + 1 < MAX_ATTEMPTS) {
      long backoff = Math.min(1_000, 20L << Math.min(attempt, 5)); // retry backoff, not a wait for a condition
      vertx.setTimer(backoff, t -> attempt(w, attempt + 1, last, measured));
      return;
    }
    if (connectFailed) {
      // An unreachable edge: pause before the next write instead of spinning on refused connects.
      load.settle(w.counters(), w.ups(), last, measured);
      vertx.setTimer(100, t -> next());
      return;
    }
    settle(w, last, measured);
  }

  private void settle(Write w, LoadGenerator.Outcome o, boolean measured) {
    load.settle(w.counters(), w.ups(), o, measured);
    next();
  }

  /** One request: a PUT of one write or a POST of a batch, and the counters it changes. */
  record Write(RequestOptions options, Buffer body, String key, int[] counters, boolean[] ups) {}
}
