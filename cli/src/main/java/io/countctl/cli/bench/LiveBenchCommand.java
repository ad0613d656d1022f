package io.countctl.cli.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code countctl bench-live}: holds many SSE connections on one edge, writes at a steady rate,
 * and measures how long a change takes to reach the watchers, and what each connection costs the
 * edge's heap. It also checks what a watcher sees: a step backwards (a connection showing a count
 * below one it showed before; writes only increment) and, once the writes stop, the streams whose
 * last event is not their counter's count after {@code --settle} (stale).
 *
 * <p>Watchers are raw Vert.x {@link NetClient} sockets speaking HTTP/1.1 (one TCP connection per
 * watcher, as browsers' EventSource hold them) whose response is split into lines; a few hundred
 * bytes each here, so one process holds 100 000 of them. One source address has ~28 000 ephemeral
 * ports toward one edge port, so past that the sockets bind 127.0.0.2, 127.0.0.3, … in turn (every
 * 127/8 address is loopback on Linux).
 */
@Command(name = "bench-live", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Hold many SSE connections, write at a steady rate, report change-to-event latency and edge heap per connection.")
public final class LiveBenchCommand implements Callable<Integer> {
  /** Connections per source address: below the ~28 000 ports of Linux's default ephemeral range. */
  private static final int PER_ADDRESS = 25_000;

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

  @Option(names = "--source-addresses", split = ",",
      description = {"Local addresses the watchers bind, in turn, 25 000 connections each (default: the OS's choice up to",
          "25 000 connections; past that, to a loopback edge, 127.0.0.2, 127.0.0.3, … as many as needed)."})
  List<String> sourceAddresses;

  @Option(names = "--open-concurrency", defaultValue = "512",
      description = "Connections being opened at once (the edge's accept backlog is finite; default: ${DEFAULT-VALUE}).")
  int openConcurrency;

  @Option(names = "--edge-pid",
      description = {"PID of the edge's JVM on this machine: heap per connection is then measured with `jcmd PID",
          "GC.class_histogram` (a full GC first, so live bytes only) before and after connecting, and the classes",
          "that grew are listed. Without it the edge's /metrics heap in use is read (garbage included)."})
  Long edgePid;

  @Option(names = "--histograms", description = "Folder to keep the two class histograms in (with --edge-pid).")
  Path histograms;

  @Option(names = "--write-connections", defaultValue = "128", description = "Keep-alive connections the writes go over (default: ${DEFAULT-VALUE}).")
  int writeConnections;

  @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json.")
  String output;

  @Override
  public Integer call() throws Exception {
    PrintStream err = System.err;
    URI writes = writeUrl == null ? url : writeUrl;
    String run = "live-" + Long.toString(System.currentTimeMillis(), 36);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(1, Runtime.getRuntime().availableProcessors())));
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(10_000),
        new PoolOptions().setHttp1MaxSize(writeConnections).setMaxWaitQueueSize(-1));
    try {
      return run(err, writes, run, vertx, http);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private int run(PrintStream err, URI writes, String run, Vertx vertx, HttpClient http) throws Exception {
    HeapProbe heap = new HeapProbe(edgePid, histograms, () -> metricsHeap(http));
    Map<String, long[]> before = heap.measure("before");
    // Per counter: the send time of the write that made each count (writes are +1, so count k is the k-th).
    ConcurrentHashMap<Long, Long> sentAt = new ConcurrentHashMap<>();
    Recorder latency = new Recorder(TimeUnit.SECONDS.toMicros(60), 3);
    // The same from when the write was due at the steady rate: also counts the time it waited
    // here for a free connection (coordinated omission included, as wrk2 counts it).
    ConcurrentHashMap<Long, Long> dueAt = new ConcurrentHashMap<>();
    Recorder dueLatency = new Recorder(TimeUnit.SECONDS.toMicros(300), 3);
    // The same from the write's acknowledgement (durable: it is in Kafka), which leaves out time a
    // write spent queued in this load generator before it was sent.
    ConcurrentHashMap<Long, Long> ackedAt = new ConcurrentHashMap<>();
    Recorder ackLatency = new Recorder(TimeUnit.SECONDS.toMicros(60), 3);
    AtomicInteger open = new AtomicInteger();
    AtomicLong events = new AtomicLong();
    AtomicInteger failures = new AtomicInteger();
    AtomicLong backward = new AtomicLong();
    // Per connection: the count its last event showed (-1: none yet).
    AtomicLongArray lastShown = new AtomicLongArray(connections);
    for (int i = 0; i < connections; i++) {
      lastShown.set(i, -1);
    }
    AtomicLongArray acked = new AtomicLongArray(counters);
    CountDownLatch connected = new CountDownLatch(connections);
    List<String> sources = sources();
    List<NetClient> clients = new ArrayList<>();
    for (String s : sources.isEmpty() ? java.util.Collections.<String>singletonList(null) : sources) {
      NetClientOptions o = new NetClientOptions().setConnectTimeout(30_000).setTcpNoDelay(true);
      if (s != null) {
        o.setLocalAddress(s);
      }
      clients.add(vertx.createNetClient(o));
    }
    err.printf("opening %,d SSE connections to %s from %s…%n", connections, url,
        sources.isEmpty() ? "the OS's source address" : sources.size() + " source addresses (" + String.join(", ", sources) + ")");
    int port = url.getPort() > 0 ? url.getPort() : 80;
    String host = url.getHost();
    Semaphore opening = new Semaphore(openConcurrency);
    List<NetSocket> sockets = java.util.Collections.synchronizedList(new ArrayList<>(connections));
    long openStart = System.nanoTime();
    for (int i = 0; i < connections; i++) {
      int counter = i % counters;
      int conn = i;
      opening.acquire();
      NetClient client = clients.get(Math.min(i / PER_ADDRESS, clients.size() - 1));
      client.connect(port, host).onComplete(ar -> {
        if (ar.failed()) {
          opening.release();
          if (failures.incrementAndGet() <= 3) {
            err.println("connection failed: " + ar.cause());
          }
          connected.countDown();
          return;
        }
        NetSocket socket = ar.result();
        sockets.add(socket);
        open.incrementAndGet();
        boolean[] first = {true};
        socket.closeHandler(v -> {
          open.decrementAndGet();
          if (first[0]) {
            first[0] = false;
            opening.release();
            connected.countDown();
          }
        });
        // Lines of the chunked response: chunk sizes and headers are lines too, and never start
        // with "data: " (the edge writes whole events, so a chunk never splits a line).
        socket.handler(RecordParser.newDelimited("\n", line -> {
          if (line.length() < 6 || line.getByte(0) != 'd' || !line.getString(0, 6).equals("data: ")) {
            return;
          }
          long now = System.nanoTime();
          long shown = count(line.toString(StandardCharsets.UTF_8));
          if (shown < lastShown.getAndSet(conn, shown)) {
            backward.incrementAndGet();
          }
          if (first[0]) {
            first[0] = false;
            opening.release();
            connected.countDown();
            return;
          }
          events.incrementAndGet();
          Long sent = sentAt.get(slot(counter, shown));
          if (sent != null) {
            latency.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(now - sent)));
          }
          Long due = dueAt.get(slot(counter, shown));
          if (due != null) {
            dueLatency.recordValue(Math.min(TimeUnit.SECONDS.toMicros(300), Math.max(1, TimeUnit.NANOSECONDS.toMicros(now - due))));
          }
          Long ack = ackedAt.get(slot(counter, shown));
          if (ack != null) {
            ackLatency.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(now - ack)));
          }
        }));
        socket.write("GET /v1/" + run + "-" + counter + "/likes/stream HTTP/1.1\r\nHost: " + host + ":" + port
            + "\r\nAccept: text/event-stream\r\n\r\n");
      });
      if (i % 10_000 == 9_999) {
        err.printf("  %,d opened%n", open.get());
      }
    }
    if (!connected.await(300, TimeUnit.SECONDS)) {
      err.println("not every connection got its first event within 300 s");
    }
    long openedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openStart);
    int held = open.get();
    Map<String, long[]> after = heap.measure("after");
    double heapBefore = HeapProbe.total(before);
    double heapAfter = HeapProbe.total(after);
    err.printf("%,d connections held (opened in %,d ms), edge heap %.1f → %.1f MB (%.2f KB each, %s); writing %,d/s for %ds to %s%n",
        held, openedMs, heapBefore / 1e6, heapAfter / 1e6, held == 0 ? 0 : (heapAfter - heapBefore) / held / 1e3, heap.method(),
        writeRate, duration.toSeconds(), writes);

    long[] counts = new long[counters];
    long interval = TimeUnit.SECONDS.toNanos(1) / Math.max(1, writeRate);
    long end = System.nanoTime() + duration.toNanos();
    long next = System.nanoTime();
    int c = 0;
    long sentWrites = 0;
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger writeErrors = new AtomicInteger();
    int wport = writes.getPort() > 0 ? writes.getPort() : 80;
    Buffer body = Buffer.buffer("{\"action\":\"increment\"}");
    while (System.nanoTime() < end) {
      int counter = c;
      long count = ++counts[counter];
      c = (c + 1) % counters;
      dueAt.put(slot(counter, count), next);
      inFlight.incrementAndGet();
      http.request(new RequestOptions().setMethod(HttpMethod.PUT).setHost(writes.getHost()).setPort(wport)
              .setURI("/v1/" + run + "-" + counter + "/likes").putHeader("Content-Type", "application/json"))
          .compose(req -> {
            sentAt.put(slot(counter, count), System.nanoTime()); // a connection is free: it goes out now
            return req.send(body);
          })
          .compose(r -> r.body().map(b -> r.statusCode()))
          .onComplete(ar -> {
            inFlight.decrementAndGet();
            if (ar.succeeded() && ar.result() == 200) {
              acked.incrementAndGet(counter);
              ackedAt.put(slot(counter, count), System.nanoTime());
            } else {
              writeErrors.incrementAndGet();
            }
          });
      sentWrites++;
      next += interval;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait); // pacing the write rate
      }
    }
    long drainBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (inFlight.get() > 0 && System.nanoTime() < drainBy) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    // Every stream should show its counter's count within --settle: the count the writing edge
    // answers once every write has its response (its own writes included at once).
    long writesDone = System.nanoTime();
    List<io.vertx.core.Future<?>> reads = new ArrayList<>();
    for (int k = 0; k < counters; k++) {
      int counter = k;
      reads.add(http.request(HttpMethod.GET, wport, writes.getHost(), "/v1/" + run + "-" + counter + "/likes")
          .compose(req -> req.send())
          .compose(r -> r.body().map(b -> {
            if (r.statusCode() == 200) {
              acked.set(counter, Math.max(acked.get(counter), new JsonObject(b).getLong("count")));
            }
            return null;
          }))
          .recover(e -> io.vertx.core.Future.succeededFuture())); // keep the acknowledged count
    }
    try {
      io.vertx.core.Future.join(reads).await(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      err.println("not every count read back within 30 s: the acknowledged counts stand for the rest");
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
    Histogram dueH = dueLatency.getIntervalHistogram();
    JsonObject report = new JsonObject()
        .put("connections_requested", connections)
        .put("connections_held", held)
        .put("source_addresses", sources.isEmpty() ? 1 : sources.size())
        .put("open_ms", openedMs)
        .put("heap_measured_by", heap.method())
        .put("edge_heap_before_mb", heapBefore / 1e6)
        .put("edge_heap_after_connect_mb", heapAfter / 1e6)
        .put("edge_heap_per_connection_kb", held == 0 ? 0 : (heapAfter - heapBefore) / held / 1e3)
        .put("writes", sentWrites)
        .put("write_errors", writeErrors.get())
        .put("events", events.get())
        .put("latency_p50_ms", h.getValueAtPercentile(50) / 1000.0)
        .put("latency_p99_ms", h.getValueAtPercentile(99) / 1000.0)
        .put("latency_max_ms", h.getMaxValue() / 1000.0)
        .put("due_to_event_p50_ms", dueH.getValueAtPercentile(50) / 1000.0)
        .put("due_to_event_p99_ms", dueH.getValueAtPercentile(99) / 1000.0)
        .put("ack_to_event_p50_ms", ackH.getValueAtPercentile(50) / 1000.0)
        .put("ack_to_event_p99_ms", ackH.getValueAtPercentile(99) / 1000.0)
        .put("backward_steps", backward.get())
        .put("streams", streams(lastShown))
        .put("stale_streams", stale)
        .put("settled_ms", stale == 0 ? settledMs : null)
        .put("settle_limit_ms", settle.toMillis());
    if (held > 0 && edgePid != null) {
      report.put("edge_heap_per_connection_by_class", HeapProbe.growth(before, after, held, 12));
    }
    if ("json".equalsIgnoreCase(output)) {
      System.out.println(report.encodePrettily());
    } else {
      report.forEach(e -> {
        if (e.getValue() instanceof JsonArray a) {
          System.out.printf("%-28s%n", e.getKey());
          a.forEach(row -> System.out.printf("    %s%n", row));
        } else {
          System.out.printf("%-28s %s%n", e.getKey(), e.getValue());
        }
      });
    }
    for (NetSocket s : List.copyOf(sockets)) {
      s.close();
    }
    return held == connections && stale == 0 && backward.get() == 0 ? 0 : 1;
  }

  /** Key of (counter, count) in the send-time maps. */
  private static long slot(int counter, long count) {
    return ((long) counter << 40) | count;
  }

  /** The {@code count} field of an event's JSON (a number; the stream's own format). */
  static long count(String dataLine) {
    int at = dataLine.indexOf("\"count\":");
    if (at < 0) {
      return -1;
    }
    int i = at + 8;
    int j = i;
    while (j < dataLine.length() && (Character.isDigit(dataLine.charAt(j)) || dataLine.charAt(j) == '-')) {
      j++;
    }
    return Long.parseLong(dataLine, i, j, 10);
  }

  /** The source addresses the watchers bind (empty: the OS chooses). */
  List<String> sources() throws IOException {
    if (sourceAddresses != null && !sourceAddresses.isEmpty()) {
      return sourceAddresses;
    }
    if (connections <= PER_ADDRESS || !InetAddress.getByName(url.getHost()).isLoopbackAddress()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < (connections + PER_ADDRESS - 1) / PER_ADDRESS; i++) {
      out.add("127.0.0." + (2 + i));
    }
    return out;
  }

  /**
   * Streams whose last event is not their counter's count. A connection that never opened (it
   * shows nothing; see connections_held) is not a stream.
   */
  private static int staleStreams(AtomicLongArray lastShown, AtomicLongArray acked, int counters) {
    int stale = 0;
    for (int i = 0; i < lastShown.length(); i++) {
      if (lastShown.get(i) >= 0 && lastShown.get(i) != acked.get(i % counters)) {
        stale++;
      }
    }
    return stale;
  }

  private static int streams(AtomicLongArray lastShown) {
    int n = 0;
    for (int i = 0; i < lastShown.length(); i++) {
      if (lastShown.get(i) >= 0) {
        n++;
      }
    }
    return n;
  }

  /** The edge's heap in use, from its /metrics (jvm_memory_used_bytes, area heap; garbage included). */
  private double metricsHeap(HttpClient http) {
    try {
      String text = http.request(HttpMethod.GET, url.getPort() > 0 ? url.getPort() : 80, url.getHost(), "/metrics")
          .compose(req -> req.send()).compose(r -> r.body()).await(10, TimeUnit.SECONDS).toString();
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

  /**
   * The edge's live heap, by class: {@code jcmd PID GC.class_histogram} runs a full GC first, so
   * what it counts is what the heap holds, not garbage waiting for a collection.
   */
  record HeapProbe(Long pid, Path keep, java.util.function.DoubleSupplier metrics) {
    String method() {
      return pid == null ? "/metrics jvm_memory_used_bytes (garbage included)" : "jcmd GC.class_histogram (live, after full GC)";
    }

    Map<String, long[]> measure(String label) throws IOException, InterruptedException {
      if (pid == null) {
        return Map.of("total", new long[] {0, (long) metrics.getAsDouble()});
      }
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid), "GC.class_histogram").redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      if (keep != null) {
        Files.createDirectories(keep);
        Files.writeString(keep.resolve("histogram-" + label + ".txt"), text);
      }
      Map<String, long[]> byClass = new HashMap<>();
      for (String line : text.split("\n")) {
        String[] f = line.trim().split("\\s+");
        // "   1:   123456   7890123  java.lang.String (java.base@25)" and "Total  123456  7890123"
        if (f.length >= 4 && f[0].endsWith(":") && numeric(f[1]) && numeric(f[2])) {
          byClass.merge(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])}, (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
        } else if (f.length >= 3 && f[0].equals("Total") && numeric(f[1]) && numeric(f[2])) {
          byClass.put("total", new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
        }
      }
      return byClass;
    }

    private static boolean numeric(String s) {
      return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }

    static double total(Map<String, long[]> h) {
      long[] t = h.get("total");
      return t == null ? Double.NaN : t[1];
    }

    /** The classes that grew most, per connection: bytes and instances. */
    static JsonArray growth(Map<String, long[]> before, Map<String, long[]> after, int held, int top) {
      List<Map.Entry<String, long[]>> grew = new ArrayList<>();
      for (var e : after.entrySet()) {
        if (e.getKey().equals("total")) {
          continue;
        }
        long[] b = before.getOrDefault(e.getKey(), new long[2]);
        grew.add(Map.entry(e.getKey(), new long[] {e.getValue()[0] - b[0], e.getValue()[1] - b[1]}));
      }
      grew.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[1]).reversed());
      JsonArray out = new JsonArray();
      for (var e : grew.subList(0, Math.min(top, grew.size()))) {
        out.add(String.format("%8.1f B  %5.2f objects  %s", (double) e.getValue()[1] / held, (double) e.getValue()[0] / held, e.getKey()));
      }
      return out;
    }
  }
}
