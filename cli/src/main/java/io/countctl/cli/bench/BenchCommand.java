package io.countctl.cli.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code countctl bench}: load that verifies. Counts what was acknowledged, then reads every
 * counter back until it converges and reports acked, counted, lost and duplicated.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Generate load against edge nodes and verify that every acknowledged write is counted exactly once.",
        "Exits 1 when anything was lost or counted twice, 2 when counts did not converge in time."})
public final class BenchCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--url", split = ",", defaultValue = "${env:COUNT_URL:-http://localhost:8080}",
      description = "Edge URL(s), comma-separated or repeated; clients spread over them (default: ${DEFAULT-VALUE}).")
  List<URI> urls;

  @Option(names = "--duration", defaultValue = "10s", converter = DurationConverter.class,
      description = "How long to send writes, e.g. 30s, 2m (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--warmup", defaultValue = "2s", converter = DurationConverter.class,
      description = {"Writes sent before --duration starts: verified like the others, but not in the rate and latencies",
          "(the load generator's JIT warms up; default: ${DEFAULT-VALUE})."})
  Duration warmup;

  @Option(names = {"--concurrency", "-c"}, defaultValue = "64",
      description = "HTTP/1.1 keep-alive connections, each with one request in flight, as wrk -c (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--rate", defaultValue = "0",
      description = {"Fixed total rate in requests/s (a batch is one request), spread evenly over the connections;",
          "latencies are also reported corrected for coordinated omission. 0: as fast as the edge answers (default)."})
  double rate;

  @Option(names = "--threads", defaultValue = "1",
      description = "Event loops of the load generator, as wrk -t (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--counters", defaultValue = "1000", description = "Distinct counters (default: ${DEFAULT-VALUE}).")
  int counters;

  @Option(names = "--hot-share", defaultValue = "0.5", description = "Share of writes to one hot counter (default: ${DEFAULT-VALUE}).")
  double hotShare;

  @Option(names = "--mix", defaultValue = "0.8", description = "Share of increments; the rest are decrements (default: ${DEFAULT-VALUE}).")
  double mix;

  @Option(names = "--batch", defaultValue = "0", description = "Writes per POST /v1/batch; 0 sends single PUTs (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--idempotent", description = "Give every write an Idempotency-Key and retry it until acknowledged.")
  boolean idempotent;

  @Option(names = "--verify", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Read every counter back and report lost/duplicated (default: ${DEFAULT-VALUE}).")
  boolean verify;

  @Option(names = "--converge-timeout", defaultValue = "60s", converter = DurationConverter.class,
      description = "How long to wait for counts to converge (default: ${DEFAULT-VALUE}).")
  Duration convergeTimeout;

  @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
  String output;

  @Override
  public Integer call() throws Exception {
    PrintStream err = spec.commandLine().getErr() == null ? System.err : new PrintStream(System.err, true);
    PrintStream out = System.out;
    if (counters < 1 || concurrency < 1 || threads < 1 || hotShare < 0 || hotShare > 1 || mix < 0 || mix > 1 || batch < 0
        || rate < 0) {
      err.println("countctl bench: --counters, --concurrency and --threads must be ≥ 1, --hot-share and --mix within 0..1,"
          + " --batch and --rate ≥ 0");
      return 2;
    }
    String runId = "bench-" + Long.toString(System.currentTimeMillis(), 36);
    LoadGenerator load = new LoadGenerator(new LoadGenerator.Plan(urls, duration, concurrency, counters, hotShare, mix,
        batch, idempotent, runId, rate, threads, warmup));
    err.printf("bench %s: %d connections → %s for %ds after %ds of warm-up, %s, %d counters (%.0f%% on one), %s%n", runId, concurrency, urls,
        duration.toSeconds(), warmup.toSeconds(), rate > 0 ? String.format("%,.0f requests/s", rate) : "as fast as answered",
        counters, hotShare * 100, batch > 0 ? "batches of " + batch : "single PUTs");
    Progress progress = new Progress(load, err);
    progress.start();
    try {
      load.run();
    } finally {
      progress.stop();
    }
    double seconds = load.measuredSeconds();
    Histogram total = progress.total();
    Histogram corrected = progress.corrected();

    long expected = 0;
    long counted = 0;
    long lost = 0;
    long duplicated = 0;
    boolean converged = true;
    if (verify) {
      err.printf("verifying %d counters on %d edge(s)…%n", counters, urls.size());
      Map<String, Long> finals;
      try (Verifier verifier = new Verifier(load, urls, convergeTimeout, err)) {
        finals = verifier.converge();
        converged = finals != null;
        if (finals == null) {
          finals = verifier.readAll(urls.getFirst());
        }
      }
      for (Map.Entry<String, CounterTally> e : load.tallies.entrySet()) {
        long c = finals.getOrDefault(e.getKey(), 0L);
        expected += e.getValue().ackedNet.sum();
        counted += c;
        lost += e.getValue().lost(c);
        duplicated += e.getValue().duplicated(c);
      }
    }
    long sent = load.measuredSent.sum();
    long missed = load.missedSlots();
    double sentPerSecond = sent / seconds;
    // Kept: at most 1 % of the slots missed, and the rate sent within 5 % of the target.
    boolean reached = rate <= 0 || (missed <= 0.01 * (sent + missed) && sentPerSecond >= 0.95 * rate);
    BenchReport report = new BenchReport(load.acked.sum(), load.errors.sum(), load.uncertain.sum(), expected, counted,
        lost, duplicated, converged, seconds, load.measuredAcked.sum() / seconds,
        total.getValueAtPercentile(50) / 1000.0, total.getValueAtPercentile(90) / 1000.0,
        total.getValueAtPercentile(99) / 1000.0, total.getMaxValue() / 1000.0,
        load.errorsByKind(), concurrency, rate, sentPerSecond, missed, reached,
        corrected.getValueAtPercentile(50) / 1000.0, corrected.getValueAtPercentile(90) / 1000.0,
        corrected.getValueAtPercentile(99) / 1000.0, corrected.getMaxValue() / 1000.0);
    print(report, out);
    if (!verify) {
      return 0;
    }
    return !report.converged() ? 2 : report.exact() ? 0 : 1;
  }

  private void print(BenchReport r, PrintStream out) {
    if ("json".equalsIgnoreCase(output)) {
      out.println(JsonObject.mapFrom(r).put("exact", r.exact()).encodePrettily());
      return;
    }
    out.printf("%-12s %,d%n", "acked", r.acked());
    out.printf("%-12s %,d%s%n", "errors", r.errors(), r.errorsByStatus().isEmpty() ? "" : " " + r.errorsByStatus());
    out.printf("%-12s %,d%n", "uncertain", r.uncertain());
    if (verify) {
      out.printf("%-12s %,d (net of acked writes: %,d)%n", "counted", r.countedNet(), r.expectedNet());
      out.printf("%-12s %,d%n", "lost", r.lost());
      out.printf("%-12s %,d%n", "duplicated", r.duplicated());
      out.printf("%-12s %s%n", "converged", r.converged() ? "yes" : "NO");
    }
    out.printf("%-12s %,.0f writes/s over %.1f s, %d connections%n", "rate", r.requestsPerSecond(), r.seconds(),
        r.connections());
    if (r.targetRate() > 0) {
      out.printf("%-12s %,.0f requests/s: %s (sent %,.0f/s, %,d slots missed while waiting for answers)%n", "target",
          r.targetRate(), r.rateReached() ? "reached" : "NOT reached", r.sentPerSecond(), r.missedSlots());
    }
    out.printf("%-12s p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms%n", "latency",
        r.p50Millis(), r.p90Millis(), r.p99Millis(), r.maxMillis());
    if (r.targetRate() > 0) {
      out.printf("%-12s p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms  (coordinated omission corrected)%n",
          "corrected", r.correctedP50Millis(), r.correctedP90Millis(), r.correctedP99Millis(), r.correctedMaxMillis());
    }
  }

  /** Reads counters back from every edge until each holds a value it may end at, and stays so. */
  static final class Verifier implements AutoCloseable {
    private static final int READ_CONNECTIONS = 16;
    private final LoadGenerator load;
    private final List<URI> urls;
    private final Duration timeout;
    private final PrintStream err;
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    private final HttpClientAgent http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(READ_CONNECTIONS));

    Verifier(LoadGenerator load, List<URI> urls, Duration timeout, PrintStream err) {
      this.load = load;
      this.urls = urls;
      this.timeout = timeout;
      this.err = err;
    }

    /** Final counts once converged everywhere, or null when the deadline passed first. */
    Map<String, Long> converge() throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      do {
        Map<String, Long> first = null;
        boolean all = true;
        for (URI url : urls) {
          Map<String, Long> values = readAll(url);
          first = first == null ? values : first;
          for (Map.Entry<String, CounterTally> e : load.tallies.entrySet()) {
            Long v = values.get(e.getKey());
            if (v == null || !e.getValue().plausible(v) || !v.equals(first.get(e.getKey()))) {
              all = false;
              break;
            }
          }
          if (!all) {
            break;
          }
        }
        if (all) {
          return first;
        }
        Thread.sleep(500); // poll interval of the convergence loop, bounded by the deadline
      } while (System.nanoTime() < deadline);
      return null;
    }

    /** Every counter's count on one edge (READ_CONNECTIONS reads in flight); a failed read leaves it out. */
    Map<String, Long> readAll(URI url) {
      boolean ssl = "https".equalsIgnoreCase(url.getScheme());
      int port = url.getPort() > 0 ? url.getPort() : ssl ? 443 : 80;
      List<String> ids = new ArrayList<>(load.tallies.keySet());
      List<Future<Long>> reads = new ArrayList<>(ids.size());
      for (String id : ids) {
        RequestOptions get = new RequestOptions().setMethod(HttpMethod.GET).setHost(url.getHost()).setPort(port).setSsl(ssl)
            .setURI(url.resolve("/v1/" + id + "/likes").getRawPath()).setIdleTimeout(10_000);
        reads.add(http.request(get).compose(req -> req.send()).compose(resp -> resp.body().map(b ->
            resp.statusCode() == 200 ? new JsonObject(b).getLong("count") : null)).recover(e -> {
              err.println("read of " + id + " from " + url + " failed: " + e);
              return Future.succeededFuture(null);
            }));
      }
      Map<String, Long> values = new HashMap<>();
      for (int i = 0; i < ids.size(); i++) {
        Long v = reads.get(i).await();
        if (v != null) {
          values.put(ids.get(i), v);
        }
      }
      return values;
    }

    @Override
    public void close() {
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        err.println("verifier's client did not close in 10 s");
      }
    }
  }

  /** Parses 500ms, 10s, 2m, 1h (or a bare number of seconds). */
  public static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String v) {
      String s = v.trim().toLowerCase();
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      }
      char unit = s.charAt(s.length() - 1);
      if (Character.isDigit(unit)) {
        return Duration.ofSeconds(Long.parseLong(s));
      }
      long n = Long.parseLong(s.substring(0, s.length() - 1));
      return switch (unit) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> throw new picocli.CommandLine.TypeConversionException("not a duration: '" + v + "' (use 500ms, 10s, 2m)");
      };
    }
  }
}
