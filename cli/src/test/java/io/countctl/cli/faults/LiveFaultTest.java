package io.countctl.cli.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.cli.dev.DevPorts;
import io.countctl.cli.dev.EmbeddedKafka;
import io.countctl.cli.dev.EmbeddedRedis;
import io.countctl.core.config.FreePort;
import io.countctl.core.key.CounterKey;
import io.countctl.core.store.CounterStore;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live counts through faults: two edges and the workers run as separate processes on a real Kafka
 * and Redis. SSE clients on both edges watch a hot counter and quiet ones while writers on both
 * edges increment them; then a fan-out worker is killed -9 and restarted, a second worker joins,
 * an edge is frozen (SIGSTOP) long enough for the fan-out to give up on its webhook and resumed,
 * and clients churn like page reloads. After each fault, with the writers paused: within 5 s every
 * stream's last value equals the count in Redis, the watcher gauges equal the open clients, and
 * over the whole run no stream ever showed a smaller value after a larger one (writes only
 * increment). A client reconnecting with its Last-Event-ID gets the current value.
 */
class LiveFaultTest {
  static final String CLUSTER = "livefaults";
  static final Duration CONVERGE = Duration.ofSeconds(5);
  static final String HOT = "hot";
  static final List<String> QUIET = List.of("quiet-0", "quiet-1", "quiet-2", "quiet-3");

  @TempDir
  Path dir;

  private final List<ComponentProcess> processes = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<Stream1> streams = new CopyOnWriteArrayList<>();
  private final java.util.concurrent.ExecutorService readers = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

  /** One SSE client: the last value it shows per counter, and every step back it saw. */
  final class Stream1 {
    final URI edge;
    final List<String> ids;
    final Map<String, Long> last = new ConcurrentHashMap<>();
    final AtomicLong backward = new AtomicLong();
    final List<String> backwardSteps = new CopyOnWriteArrayList<>();
    volatile String lastEventId;
    volatile boolean open = true;
    private volatile boolean closed;
    private volatile java.io.InputStream body;

    Stream1(URI edge, List<String> ids, String lastEventId) {
      this.edge = edge;
      this.ids = ids;
      this.lastEventId = lastEventId;
      String q = String.join(",", ids.stream().map(i -> i + "/likes").toList());
      HttpRequest.Builder b = HttpRequest.newBuilder(edge.resolve("/v1/stream?counters=" + q)).GET();
      if (lastEventId != null) {
        b.header("Last-Event-ID", lastEventId);
      }
      // Async: a response already complete must not run this reading loop on the caller's thread.
      http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofInputStream()).thenAcceptAsync(r -> {
        body = r.body();
        if (closed) {
          closeBody(); // closed before the response came: like a tab closed while loading
          return;
        }
        try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(r.body(), java.nio.charset.StandardCharsets.UTF_8))) {
          String line;
          while ((line = reader.readLine()) != null) {
            if (line.startsWith("id: ")) {
              this.lastEventId = line.substring(4);
            } else if (line.startsWith("data: {\"id\"")) {
              JsonObject e = new JsonObject(line.substring(6));
              long count = e.getLong("count");
              Long before = last.put(e.getString("id"), count);
              if (before != null && count < before) {
                backward.incrementAndGet();
                backwardSteps.add(e.getString("id") + ": " + before + " -> " + count);
              }
            }
          }
        } catch (java.io.IOException ended) {
          // closed by the test or the edge
        } finally {
          open = false;
        }
      }, readers);
      streams.add(this);
    }

    void close() {
      closed = true;
      open = false;
      streams.remove(this);
      closeBody();
    }

    private void closeBody() {
      try {
        java.io.InputStream b = body;
        if (b != null) {
          b.close();
        }
      } catch (java.io.IOException ignored) {
        // closing anyway
      }
    }
  }

  Map<String, String> env(EmbeddedKafka kafka, URI redis, int port, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(Map.of(
        "COUNT_CLUSTER", CLUSTER,
        "COUNT_KAFKA_BOOTSTRAP", kafka.bootstrap(),
        "COUNT_REDIS_URL", redis.toString(),
        "COUNT_HTTP_PORT", String.valueOf(port),
        "COUNT_PARTITIONS", "4",
        "COUNT_EVENT_LOOPS", "2",
        "COUNT_INTERNAL_SECRET", "live-fault-secret")); // workers → edges' internal port
    env.putAll(extra);
    return env;
  }

  ComponentProcess edge(String name, EmbeddedKafka kafka, URI redis) {
    int port = FreePort.pick();
    int internalPort = FreePort.pick();
    return track(ComponentProcess.start(name, "io.countctl.edge.EdgeMain", env(kafka, redis, port, Map.of(
        "COUNT_FLUSH_MS", "20", "COUNT_SSE_LEASE_MS", "1000", "COUNT_SSE_COALESCE_MS", "20",
        "COUNT_INTERNAL_PORT", String.valueOf(internalPort),
        "COUNT_ADVERTISED_URL", "http://127.0.0.1:" + internalPort)), port, dir));
  }

  ComponentProcess worker(String name, EmbeddedKafka kafka, URI redis) {
    int port = FreePort.pick();
    return track(ComponentProcess.start(name, "io.countctl.worker.WorkerMain",
        env(kafka, redis, port, Map.of("COUNT_WORKER_ID", name)), port, dir));
  }

  ComponentProcess track(ComponentProcess p) {
    processes.add(p);
    return p;
  }

  /** Increments on both edges while running (the hot counter mostly); pause to check. */
  final class Writers {
    final AtomicBoolean writing = new AtomicBoolean(true);
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicLong acked = new AtomicLong();
    final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    final List<Thread> threads = new ArrayList<>();

    Writers(List<URI> edges) {
      for (URI edge : edges) {
        threads.add(Thread.ofPlatform().daemon().start(() -> {
          java.util.Random random = new java.util.Random();
          while (!stop.get()) {
            inFlight.incrementAndGet(); // before the check: hold() then waits for this request, or it is not sent
            if (!writing.get()) {
              inFlight.decrementAndGet();
              pause(20);
              continue;
            }
            String id = random.nextInt(5) == 0 ? QUIET.get(random.nextInt(QUIET.size())) : HOT;
            try {
              HttpResponse<String> r = http.send(HttpRequest.newBuilder(edge.resolve("/v1/" + id + "/likes"))
                  .timeout(Duration.ofSeconds(3))
                  .PUT(HttpRequest.BodyPublishers.ofString("{\"action\":\"increment\"}")).build(), HttpResponse.BodyHandlers.ofString());
              if (r.statusCode() == 200) {
                acked.incrementAndGet();
              }
            } catch (Exception e) {
              pause(50); // the edge is paused or restarting: try again
            } finally {
              inFlight.decrementAndGet();
            }
            pause(10);
          }
        }));
      }
    }

    /** Stops writing and waits for the requests under way (a request to a paused edge times out in 3 s). */
    void hold() {
      writing.set(false);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (inFlight.get() > 0 && System.nanoTime() < deadline) {
        pause(5);
      }
    }

    void resume() {
      writing.set(true);
    }

    void stop() {
      stop.set(true);
    }
  }

  static void pause(long ms) {
    try {
      Thread.sleep(ms); // writer pacing / waiting for requests in flight
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Every open stream shows every counter's Redis value within {@link #CONVERGE}; gauges equal the clients. */
  void assertConverged(String after, CounterStore store, List<ComponentProcess> edges, Writers writers) {
    writers.hold();
    // The writes acknowledged are applied by the workers first (that is the counting path's job).
    Map<String, Long> counts = new HashMap<>();
    long applyDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    long previousTotal = -1;
    while (System.nanoTime() < applyDeadline) {
      counts.clear();
      long total = 0;
      for (String id : allIds()) {
        long c = store.read(new CounterKey(id, "likes")).count();
        counts.put(id, c);
        total += c;
      }
      if (total == writers.acked.get() || total == previousTotal && total >= writers.acked.get()) {
        break;
      }
      previousTotal = total;
      pause(200);
    }
    long appliedAt = System.nanoTime();
    List<String> stale = new ArrayList<>();
    while (true) {
      stale.clear();
      for (Stream1 s : streams) {
        for (String id : s.ids) {
          Long shown = s.last.get(id);
          if (!counts.get(id).equals(shown)) {
            stale.add(s.edge.getPort() + ":" + id + " shows " + shown + ", count " + counts.get(id));
          }
        }
      }
      if (stale.isEmpty() || System.nanoTime() - appliedAt > CONVERGE.toNanos()) {
        break;
      }
      pause(50);
    }
    System.out.printf("live faults: after %s: %d streams, stale %d, converged in %d ms%n", after, streams.size(), stale.size(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - appliedAt));
    assertEquals(List.of(), stale.stream().limit(10).toList(), "stale streams 5 s after " + after);
    assertEquals(List.of(), backwardSteps(), "steps backwards by " + after);
    for (ComponentProcess edge : edges) {
      long clients = streams.stream().filter(s -> s.edge.equals(edge.url())).count();
      awaitGauge(edge, clients, after);
    }
    writers.resume();
  }

  List<String> backwardSteps() {
    List<String> out = new ArrayList<>();
    for (Stream1 s : allStreamsEver) {
      out.addAll(s.backwardSteps);
    }
    return out;
  }

  private final List<Stream1> allStreamsEver = new CopyOnWriteArrayList<>();

  Stream1 open(ComponentProcess edge, List<String> ids, String lastEventId) {
    Stream1 s = new Stream1(edge.url(), ids, lastEventId);
    allStreamsEver.add(s);
    return s;
  }

  static List<String> allIds() {
    List<String> ids = new ArrayList<>(QUIET);
    ids.add(HOT);
    return ids;
  }

  void awaitGauge(ComponentProcess edge, long expected, String after) {
    long deadline = System.nanoTime() + CONVERGE.toNanos();
    double seen = -1;
    while (System.nanoTime() < deadline) {
      seen = gauge(edge, "count_edge_sse_connections");
      if (seen == expected) {
        return;
      }
      pause(100);
    }
    throw new AssertionError(edge.name() + " reports " + seen + " SSE connections after " + after + ", clients hold " + expected);
  }

  double gauge(ComponentProcess p, String name) {
    try {
      String body = http.send(HttpRequest.newBuilder(p.url().resolve("/metrics")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      for (String line : body.split("\n")) {
        if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
          return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return -1;
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void everyStreamShowsTheCountWithinFiveSecondsAfterEachFaultAndNeverStepsBack() throws Exception {
    Files.createDirectories(dir);
    DevPorts ports = DevPorts.loadOrCreate(dir);
    EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), ports);
    EmbeddedRedis redis = EmbeddedRedis.start(dir.resolve("redis"), ports.redis(), false);
    Writers writers = null;
    try (CounterStore store = new CounterStore(redis.url(), CLUSTER, 4)) {
      URI redisUrl = redis.url();
      ComponentProcess worker1 = worker("live-worker-1", kafka, redisUrl);
      ComponentProcess edge1 = edge("live-edge-1", kafka, redisUrl);
      ComponentProcess edge2 = edge("live-edge-2", kafka, redisUrl);
      List<ComponentProcess> edges = List.of(edge1, edge2);
      // Every stream watches the hot counter and one quiet one; a few watch quiet ones only.
      for (int i = 0; i < 24; i++) {
        ComponentProcess edge = edges.get(i % 2);
        open(edge, i % 6 == 5 ? List.of(QUIET.get(i % QUIET.size())) : List.of(HOT, QUIET.get(i % QUIET.size())), null);
      }
      writers = new Writers(List.of(edge1.url(), edge2.url()));
      pause(2_000);
      assertConverged("the start", store, edges, writers);

      worker1.kill();
      pause(1_000);
      worker1.restart();
      pause(1_000);
      assertConverged("a fan-out worker's kill -9 and restart", store, edges, writers);

      worker("live-worker-2", kafka, redisUrl);
      pause(1_500);
      assertConverged("a second worker joining", store, edges, writers);

      edge2.pause();
      pause(9_000); // webhook calls time out (1 s) and the fan-out drops the edge after 5 failures
      edge2.unpause();
      pause(1_000);
      assertConverged("an edge frozen for 9 s (SIGSTOP) and resumed", store, edges, writers);

      // Page reloads: the only watcher of a counter leaves and comes back, over and over.
      for (int round = 0; round < 15; round++) {
        for (ComponentProcess edge : edges) {
          Stream1 s = open(edge, List.of(QUIET.get(round % QUIET.size())), null);
          pause(round % 3 * 20L);
          s.close();
        }
      }
      open(edge1, List.of(QUIET.get(0)), null);
      open(edge2, List.of(QUIET.get(1)), null);
      pause(1_000);
      assertConverged("page-reload churn", store, edges, writers);

      // A reconnect with Last-Event-ID: the client was away while its counters changed.
      Stream1 away = streams.getFirst();
      String id = away.lastEventId;
      away.close();
      pause(1_000);
      writers.hold();
      Stream1 back = open(edge1.url().equals(away.edge) ? edge1 : edge2, away.ids, id);
      away.last.forEach(back.last::putIfAbsent); // what the page still shows; newer values replace it
      long deadline = System.nanoTime() + CONVERGE.toNanos();
      while (System.nanoTime() < deadline && !back.ids.stream().allMatch(i -> store.read(new CounterKey(i, "likes")).count()
          == back.last.getOrDefault(i, -1L))) {
        pause(50);
      }
      for (String i : back.ids) {
        assertEquals(store.read(new CounterKey(i, "likes")).count(), back.last.getOrDefault(i, -1L),
            "the resumed stream (Last-Event-ID " + id + ") shows the current value of " + i);
      }
      writers.resume();
      assertConverged("a reconnect with Last-Event-ID", store, edges, writers);

      long backward = allStreamsEver.stream().mapToLong(s -> s.backward.get()).sum();
      System.out.printf("live faults: %d writes, %d streams opened, %d steps backwards%n", writers.acked.get(),
          allStreamsEver.size(), backward);
      assertEquals(0, backward);
      assertTrue(writers.acked.get() > 500, "the writers kept writing");
    } finally {
      if (writers != null) {
        writers.stop();
      }
      streams.forEach(Stream1::close);
      readers.shutdownNow();
      processes.forEach(ComponentProcess::close);
      kafka.close();
      redis.close();
    }
  }
}
