package io.countctl.cli.bench;

import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
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

  @Option(names = "--concurrency", defaultValue = "32", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
  int concurrency;

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
    if (counters < 1 || concurrency < 1 || hotShare < 0 || hotShare > 1 || mix < 0 || mix > 1 || batch < 0) {
      err.println("countctl bench: --counters and --concurrency must be ≥ 1, --hot-share and --mix within 0..1, --batch ≥ 0");
      return 2;
    }
    String runId = "bench-" + Long.toString(System.currentTimeMillis(), 36);
    LoadGenerator load = new LoadGenerator(new LoadGenerator.Plan(urls, duration, concurrency, counters, hotShare, mix,
        batch, idempotent, runId));
    err.printf("bench %s: %d clients → %s for %ds, %d counters (%.0f%% on one), %s%n", runId, concurrency, urls,
        duration.toSeconds(), counters, hotShare * 100, batch > 0 ? "batches of " + batch : "single PUTs");
    Progress progress = new Progress(load, err);
    long start = System.nanoTime();
    progress.start();
    try {
      load.run();
    } finally {
      progress.stop();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Histogram total = progress.total();

    long expected = 0;
    long counted = 0;
    long lost = 0;
    long duplicated = 0;
    boolean converged = true;
    if (verify) {
      err.printf("verifying %d counters on %d edge(s)…%n", counters, urls.size());
      Map<String, Long> finals = new Verifier(load, urls, convergeTimeout, err).converge();
      converged = finals != null;
      if (finals == null) {
        finals = new Verifier(load, urls, Duration.ZERO, err).readAll(urls.getFirst());
      }
      for (Map.Entry<String, CounterTally> e : load.tallies.entrySet()) {
        long c = finals.getOrDefault(e.getKey(), 0L);
        expected += e.getValue().ackedNet.sum();
        counted += c;
        lost += e.getValue().lost(c);
        duplicated += e.getValue().duplicated(c);
      }
    }
    BenchReport report = new BenchReport(load.acked.sum(), load.errors.sum(), load.uncertain.sum(), expected, counted,
        lost, duplicated, converged, seconds, load.acked.sum() / seconds,
        total.getValueAtPercentile(50) / 1000.0, total.getValueAtPercentile(90) / 1000.0,
        total.getValueAtPercentile(99) / 1000.0, total.getMaxValue() / 1000.0);
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
    out.printf("%-12s %,d%n", "errors", r.errors());
    out.printf("%-12s %,d%n", "uncertain", r.uncertain());
    if (verify) {
      out.printf("%-12s %,d (net of acked writes: %,d)%n", "counted", r.countedNet(), r.expectedNet());
      out.printf("%-12s %,d%n", "lost", r.lost());
      out.printf("%-12s %,d%n", "duplicated", r.duplicated());
      out.printf("%-12s %s%n", "converged", r.converged() ? "yes" : "NO");
    }
    out.printf("%-12s %,.0f writes/s over %.1f s%n", "rate", r.requestsPerSecond(), r.seconds());
    out.printf("%-12s p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms%n", "latency",
        r.p50Millis(), r.p90Millis(), r.p99Millis(), r.maxMillis());
  }

  /** Reads counters back from every edge until each holds a value it may end at, and stays so. */
  static final class Verifier {
    private final LoadGenerator load;
    private final List<URI> urls;
    private final Duration timeout;
    private final PrintStream err;

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

    Map<String, Long> readAll(URI url) {
      Map<String, Long> values = new HashMap<>();
      for (String id : load.tallies.keySet()) {
        try {
          HttpResponse<String> r = load.http().send(HttpRequest.newBuilder(url.resolve("/v1/" + id + "/likes"))
              .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) {
            values.put(id, new JsonObject(r.body()).getLong("count"));
          }
        } catch (Exception e) {
          err.println("read of " + id + " from " + url + " failed: " + e);
        }
      }
      return values;
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
