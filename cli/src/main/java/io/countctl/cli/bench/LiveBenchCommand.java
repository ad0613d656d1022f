package io.countctl.cli.bench;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code countctl bench-live}: holds many SSE connections on one edge, writes at a steady rate,
 * and measures how long a change takes to reach the watchers, and what each connection costs the
 * edge's heap. It also checks what a watcher sees: a step backwards (a connection showing a count
 * below one it showed before; writes only increment) and, once the writes stop, the streams whose
 * last event is not their counter's count after {@code --settle} (stale).
 */
@Command(name = "bench-live", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Hold many SSE connections, write at a steady rate, report change-to-event latency and edge heap per connection.")
public final class LiveBenchCommand implements Callable<Integer> {
  @Option(names = "--url", defaultValue = "${env:COUNT_URL:-http://localhost:8080}", description = "Edge the watchers connect to.")
  URI url;

  @Option(names = "--write-url", description = "Edge the writes go to (default: --url).")
  URI writeUrl;

  @Option(names = "--connections", defaultValue = "1000", description = "SSE connections to hold (default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(names = "--counters", defaultValue = "1000", description = "Counters watched, spread over the connections (default: ${DEFAULT-VALUE}).")
  int counters;

  @Option(names = "--write-rate", defaultValue = "1000", description = "Writes per second (default: ${DEFAULT-VALUE}).")
  int writeRate;

  @Option(names = "--duration", defaultValue = "20s", converter = BenchCommand.DurationConverter.class,
      description = "How long to write (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--settle", defaultValue = "5s", converter = BenchCommand.DurationConverter.class,
      description = "After the writes, how long every stream may take to show its count before it counts as stale (default: ${DEFAULT-VALUE}).")
  Duration settle;

  @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json.")
  String output;

  @Override
  public Integer call() throws Exception {
    PrintStream err = System.err;
    URI writes = writeUrl == null ? url : writeUrl;
    String run = "live-" + Long.toString(System.currentTimeMillis(), 36);
    // HTTP/1.1: one TCP connection per watcher, as browsers' EventSource would hold them.
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    double heapBefore = heapUsed(http);
    // Per counter: the send time of the write that made each count (writes are +1, so count k is the k-th).
    ConcurrentHashMap<Integer, ConcurrentHashMap<Long, Long>> sentAt = new ConcurrentHashMap<>();
    Recorder latency = new Recorder(TimeUnit.SECONDS.toMicros(60), 3);
    // The same from the write's acknowledgement (durable: it is in Kafka), which leaves out time a
    // write spent queued in this load generator before it was sent.
    ConcurrentHashMap<Integer, ConcurrentHashMap<Long, Long>> ackedAt = new ConcurrentHashMap<>();
    Recorder ackLatency = new Recorder(TimeUnit.SECONDS.toMicros(60), 3);
    AtomicInteger open = new AtomicInteger();
    AtomicLong events = new AtomicLong();
    AtomicInteger failures = new AtomicInteger();
    AtomicLong backward = new AtomicLong();
    // Per connection: the count its last event showed (-1: none yet).
    java.util.concurrent.atomic.AtomicLongArray lastShown = new java.util.concurrent.atomic.AtomicLongArray(connections);
    for (int i = 0; i < connections; i++) {
      lastShown.set(i, -1);
    }
    java.util.concurrent.atomic.AtomicLongArray acked = new java.util.concurrent.atomic.AtomicLongArray(counters);
    CountDownLatch connected = new CountDownLatch(connections);
    err.printf("opening %,d SSE connections to %s…%n", connections, url);
    try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < connections; i++) {
        int counter = i % counters;
        int conn = i;
        readers.submit(() -> {
          HttpRequest req = HttpRequest.newBuilder(url.resolve("/v1/" + run + "-" + counter + "/likes/stream")).GET().build();
          boolean opened = false;
          try {
            HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            opened = true;
            open.incrementAndGet();
            boolean first = true;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
              String line;
              while ((line = in.readLine()) != null) {
                if (!line.startsWith("data: ")) {
                  continue;
                }
                long now = System.nanoTime();
                long shown = new JsonObject(line.substring(6)).getLong("count");
                if (shown < lastShown.getAndSet(conn, shown)) {
                  backward.incrementAndGet();
                }
                if (first) {
                  first = false;
                  connected.countDown();
                  continue;
                }
                events.incrementAndGet();
                long count = shown;
                Long sent = sentAt.getOrDefault(counter, new ConcurrentHashMap<>()).get(count);
                if (sent != null) {
                  latency.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(now - sent)));
                }
                Long ack = ackedAt.getOrDefault(counter, new ConcurrentHashMap<>()).get(count);
                if (ack != null) {
                  ackLatency.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(now - ack)));
                }
              }
            }
          } catch (Exception e) {
            if (failures.incrementAndGet() <= 3) {
              err.println("connection failed: " + e);
            }
            connected.countDown();
          } finally {
            if (opened) {
              open.decrementAndGet();
            }
          }
          return null;
        });
        if (i % 500 == 499) {
          err.printf("  %,d opened%n", open.get());
        }
      }
      if (!connected.await(120, TimeUnit.SECONDS)) {
        err.println("not every connection got its first event within 120 s");
      }
      int held = open.get();
      double heapAfter = heapUsed(http);
      err.printf("%,d connections held; writing %,d/s for %ds to %s%n", held, writeRate, duration.toSeconds(), writes);

      long[] counts = new long[counters];
      long interval = TimeUnit.SECONDS.toNanos(1) / Math.max(1, writeRate);
      long end = System.nanoTime() + duration.toNanos();
      long next = System.nanoTime();
      int c = 0;
      long sentWrites = 0;
      try (ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
        while (System.nanoTime() < end) {
          int counter = c;
          long count = ++counts[counter];
          c = (c + 1) % counters;
          sentAt.computeIfAbsent(counter, k -> new ConcurrentHashMap<>()).put(count, System.nanoTime());
          writers.submit(() -> {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(writes.resolve("/v1/" + run + "-" + counter + "/likes"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"action\":\"increment\"}")).build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() == 200) {
              acked.incrementAndGet(counter);
              ackedAt.computeIfAbsent(counter, k -> new ConcurrentHashMap<>()).put(count, System.nanoTime());
            }
            return null;
          });
          sentWrites++;
          next += interval;
          long wait = next - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait); // pacing the write rate
          }
        }
      }
      // Every stream should show its counter's count within --settle: the count the writing edge
      // answers once every write has its response (its own writes included at once).
      long writesDone = System.nanoTime();
      try (ExecutorService reads = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int k = 0; k < counters; k++) {
          int counter = k;
          reads.submit(() -> {
            try {
              HttpResponse<String> r = http.send(HttpRequest.newBuilder(writes.resolve("/v1/" + run + "-" + counter + "/likes")).GET().build(),
                  HttpResponse.BodyHandlers.ofString());
              if (r.statusCode() == 200) {
                acked.set(counter, Math.max(acked.get(counter), new JsonObject(r.body()).getLong("count")));
              }
            } catch (Exception e) {
              // keep the acknowledged count
            }
          });
        }
      }
      long settleEnd = writesDone + settle.toNanos();
      int stale = staleStreams(lastShown, acked, counters);
      while (stale > 0 && System.nanoTime() < settleEnd) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        stale = staleStreams(lastShown, acked, counters);
      }
      long settledMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - writesDone);
      Histogram h = latency.getIntervalHistogram();
      Histogram ackH = ackLatency.getIntervalHistogram();
      JsonObject report = new JsonObject()
          .put("connections_requested", connections)
          .put("connections_held", held)
          .put("edge_heap_before_mb", heapBefore / 1e6)
          .put("edge_heap_after_connect_mb", heapAfter / 1e6)
          .put("edge_heap_per_connection_kb", held == 0 ? 0 : (heapAfter - heapBefore) / held / 1e3)
          .put("writes", sentWrites)
          .put("events", events.get())
          .put("latency_p50_ms", h.getValueAtPercentile(50) / 1000.0)
          .put("latency_p99_ms", h.getValueAtPercentile(99) / 1000.0)
          .put("latency_max_ms", h.getMaxValue() / 1000.0)
          .put("ack_to_event_p50_ms", ackH.getValueAtPercentile(50) / 1000.0)
          .put("ack_to_event_p99_ms", ackH.getValueAtPercentile(99) / 1000.0)
          .put("backward_steps", backward.get())
          .put("streams", streams(lastShown))
          .put("stale_streams", stale)
          .put("settled_ms", stale == 0 ? settledMs : null)
          .put("settle_limit_ms", settle.toMillis());
      if ("json".equalsIgnoreCase(output)) {
        System.out.println(report.encodePrettily());
      } else {
        report.forEach(e -> System.out.printf("%-28s %s%n", e.getKey(), e.getValue()));
      }
      readers.shutdownNow();
      return held == connections && stale == 0 && backward.get() == 0 ? 0 : 1;
    }
  }

  /**
   * Streams whose last event is not their counter's count. A connection that never opened (it
   * shows nothing; see connections_held) is not a stream.
   */
  private static int staleStreams(java.util.concurrent.atomic.AtomicLongArray lastShown,
      java.util.concurrent.atomic.AtomicLongArray acked, int counters) {
    int stale = 0;
    for (int i = 0; i < lastShown.length(); i++) {
      if (lastShown.get(i) >= 0 && lastShown.get(i) != acked.get(i % counters)) {
        stale++;
      }
    }
    return stale;
  }

  private static int streams(java.util.concurrent.atomic.AtomicLongArray lastShown) {
    int n = 0;
    for (int i = 0; i < lastShown.length(); i++) {
      if (lastShown.get(i) >= 0) {
        n++;
      }
    }
    return n;
  }

  /** The edge's heap in use, from its /metrics (jvm_memory_used_bytes, area heap). */
  private double heapUsed(HttpClient http) {
    try {
      String text = http.send(HttpRequest.newBuilder(url.resolve("/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
      double sum = 0;
      for (String line : text.split("\n")) {
        if (line.startsWith("jvm_memory_used_bytes") && line.contains("area=\"heap\"")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return sum;
    } catch (Exception e) {
      return Double.NaN;
    }
  }

}
