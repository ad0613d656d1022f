package io.countctl.cli.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sends writes over {@code concurrency} HTTP/1.1 keep-alive connections, each with one request in
 * flight (as {@code wrk -c}), from {@code threads} Vert.x event loops, until the deadline — as
 * fast as the edge answers, or at a fixed total {@code rate} ({@link Pacer}). It remembers, per
 * counter, what was acknowledged and what is uncertain. With {@code idempotent}, every write
 * carries a key and is retried with that key until acknowledged, so nothing ends uncertain.
 *
 * <p>Why not {@code java.net.http} from virtual threads (what it was): JFR showed that client
 * spending ~250 µs of CPU and ~28 KB of allocation per request (header maps, CompletableFuture
 * chains, continuations), so {@code countctl bench} measured itself — see bench/RESULTS.md.
 */
final class LoadGenerator {
  record Plan(List<URI> edges, Duration duration, int concurrency, int counters, double hotShare, double incrementShare,
      int batch, boolean idempotent, String runId, double rate, int threads, Duration warmup) {}

  /** One edge's address and the requests to it, built once (a request's options are not changed per send). */
  record Edge(String host, int port, boolean ssl, RequestOptions[] puts, RequestOptions batch) {}

  enum Outcome { ACKED, REFUSED, UNCERTAIN }

  static final Buffer INCREMENT = Buffer.buffer("{\"action\":\"increment\"}");
  static final Buffer DECREMENT = Buffer.buffer("{\"action\":\"decrement\"}");
  /**
   * A connection with its one request unanswered this long fails it (uncertain). Per connection,
   * not per request: a request timeout is a timer set and cancelled per request (JFR: the
   * largest allocation site of the client after Netty's headers).
   */
  private static final int IDLE_TIMEOUT_SECONDS = 30;

  private final Plan plan;
  private final String[] ids;
  private final CounterTally[] byIndex;
  final Map<String, CounterTally> tallies;
  private final Latencies latencies;
  final LongAdder acked = new LongAdder();
  final LongAdder errors = new LongAdder();
  final LongAdder uncertain = new LongAdder();
  final LongAdder requests = new LongAdder();
  /** Acknowledged and sent requests that started after the warm-up: the rate is theirs. */
  final LongAdder measuredAcked = new LongAdder();
  final LongAdder measuredSent = new LongAdder();
  private volatile long measureFrom = Long.MAX_VALUE;
  private volatile long endedAt;
  private final Map<String, LongAdder> errorsBy = new ConcurrentHashMap<>();
  private final List<Pacer> pacers = Collections.synchronizedList(new ArrayList<>());

  LoadGenerator(Plan plan) {
    this.plan = plan;
    this.ids = new String[plan.counters()];
    this.byIndex = new CounterTally[plan.counters()];
    Map<String, CounterTally> t = new LinkedHashMap<>();
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i == 0 ? plan.runId() + "-hot" : plan.runId() + "-" + i;
      byIndex[i] = new CounterTally();
      t.put(ids[i], byIndex[i]);
    }
    this.tallies = Collections.unmodifiableMap(t);
    this.latencies = new Latencies(plan.rate() > 0 ? expectedIntervalNanos(plan) / 1_000 : 0);
  }

  /** A connection's interval between two requests at the plan's total rate. */
  static long expectedIntervalNanos(Plan plan) {
    return Math.max(1, Math.round(plan.concurrency() * 1e9 / plan.rate()));
  }

  /** Counter ids this run writes to (the hot one first). */
  List<String> ids() {
    return List.of(ids);
  }

  void run() throws InterruptedException {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(plan.threads()).setWorkerPoolSize(1)
        .setInternalBlockingPoolSize(1));
    try {
      HttpClientAgent agent = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setPipelining(false)
          .setTcpNoDelay(true).setIdleTimeout(IDLE_TIMEOUT_SECONDS), new PoolOptions().setHttp1MaxSize(1));
      List<Edge> edges = plan.edges().stream().map(this::edge).toList();
      List<Context> loops = new ArrayList<>();
      for (int i = 0; i < plan.threads(); i++) {
        loops.add(vertx.getOrCreateContext()); // from a non-Vert.x thread: a new context, next event loop
      }
      List<BenchConnection> connections = new ArrayList<>();
      List<Future<Void>> opened = new ArrayList<>();
      for (int c = 0; c < plan.concurrency(); c++) {
        BenchConnection bc = new BenchConnection(this, vertx, agent, edges.get(c % edges.size()), c);
        connections.add(bc);
        Promise<Void> p = Promise.promise();
        loops.get(c % loops.size()).runOnContext(v -> bc.open().onComplete(p));
        opened.add(p.future());
      }
      Future.join(opened).await(30, TimeUnit.SECONDS); // connect timeouts are 3 s; failures retry on the first write
      long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
      measureFrom = start + plan.warmup().toNanos();
      long deadline = measureFrom + plan.duration().toNanos();
      long interval = plan.rate() > 0 ? expectedIntervalNanos(plan) : 0;
      List<Future<Void>> all = new ArrayList<>();
      for (int c = 0; c < plan.concurrency(); c++) {
        BenchConnection bc = connections.get(c);
        // Connections' first slots spread over one interval, so the total rate is even, not bursts.
        Pacer pacer = interval > 0 ? new Pacer(start + interval * c / plan.concurrency(), interval) : null;
        if (pacer != null) {
          pacers.add(pacer);
        }
        Promise<Void> p = Promise.promise();
        loops.get(c % loops.size()).runOnContext(v -> bc.start(pacer, deadline).onComplete(p));
        all.add(p.future());
      }
      Future.join(all).await(plan.warmup().plus(plan.duration()).toMillis() + 300_000, TimeUnit.MILLISECONDS); // bounded: retries of the last writes
      endedAt = System.nanoTime();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("load clients did not finish", e);
    } finally {
      vertx.close().await();
    }
  }

  private Edge edge(URI uri) {
    String host = uri.getHost();
    boolean ssl = "https".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
    RequestOptions[] puts = new RequestOptions[ids.length];
    for (int i = 0; i < ids.length; i++) {
      puts[i] = request(host, port, HttpMethod.PUT, uri.resolve("/v1/" + ids[i] + "/likes").getRawPath());
    }
    return new Edge(host, port, ssl, puts, request(host, port, HttpMethod.POST, uri.resolve("/v1/batch").getRawPath()));
  }

  private static RequestOptions request(String host, int port, HttpMethod method, String path) {
    return new RequestOptions().setMethod(method).setHost(host).setPort(port).setURI(path)
        .putHeader("Content-Type", "application/json");
  }

  int pick(SplittableRandom rnd) {
    return ids.length == 1 || rnd.nextDouble() < plan.hotShare() ? 0 : 1 + rnd.nextInt(ids.length - 1);
  }

  String id(int counter) {
    return ids[counter];
  }

  int batchSize() {
    return plan.batch();
  }

  double incrementShare() {
    return plan.incrementShare();
  }

  boolean idempotent() {
    return plan.idempotent();
  }

  String runId() {
    return plan.runId();
  }

  Latencies latencies() {
    return latencies;
  }

  /** A request leaves at {@code nanos}; whether it is measured (after the warm-up). */
  boolean sent(long nanos) {
    requests.increment();
    boolean measured = nanos >= measureFrom;
    if (measured) {
      measuredSent.increment();
    }
    return measured;
  }

  /** Seconds from the end of the warm-up to the last answer. */
  double measuredSeconds() {
    return (endedAt - measureFrom) / 1e9;
  }

  boolean warmingUp() {
    return System.nanoTime() < measureFrom;
  }

  /** A refused or failed request: by status code, "io" (failed after sending) or "connect". */
  void error(String kind) {
    errors.increment();
    errorsBy.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  void settle(int[] counters, boolean[] ups, Outcome o, boolean measured) {
    if (measured && o == Outcome.ACKED) {
      measuredAcked.increment();
    }
    switch (o) {
      case ACKED -> acked.increment();
      case UNCERTAIN -> uncertain.increment();
      case REFUSED -> { }
    }
    for (int i = 0; i < counters.length; i++) {
      CounterTally t = byIndex[counters[i]];
      switch (o) {
        case ACKED -> t.acked(ups[i], 1);
        case UNCERTAIN -> t.uncertain(ups[i], 1);
        case REFUSED -> { }
      }
    }
  }

  Map<String, Long> errorsByKind() {
    Map<String, Long> m = new TreeMap<>();
    errorsBy.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  /** Slots of the fixed-rate schedule that passed while their connection waited for an answer. */
  long missedSlots() {
    synchronized (pacers) {
      return pacers.stream().mapToLong(Pacer::missed).sum();
    }
  }

  Plan plan() {
    return plan;
  }
}
