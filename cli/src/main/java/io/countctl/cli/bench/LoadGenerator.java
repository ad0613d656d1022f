package io.countctl.cli.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * Sends writes from many virtual threads until the deadline and remembers, per counter, what was
 * acknowledged and what is uncertain. With {@code idempotent}, every write carries a key and is
 * retried with that key until acknowledged, so nothing ends uncertain.
 */
final class LoadGenerator {
  record Plan(List<URI> edges, Duration duration, int concurrency, int counters, double hotShare, double incrementShare,
      int batch, boolean idempotent, String runId) {}

  private final Plan plan;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(3)).build();
  final Map<String, CounterTally> tallies = new ConcurrentHashMap<>();
  final Recorder latency = new Recorder(TimeUnit.SECONDS.toMicros(60), 3);
  final LongAdder acked = new LongAdder();
  final LongAdder errors = new LongAdder();
  final LongAdder uncertain = new LongAdder();
  final LongAdder requests = new LongAdder();

  LoadGenerator(Plan plan) {
    this.plan = plan;
  }

  /** Counter ids this run writes to (the hot one first). */
  List<String> ids() {
    List<String> ids = new ArrayList<>();
    ids.add(plan.runId() + "-hot");
    for (int i = 1; i < plan.counters(); i++) {
      ids.add(plan.runId() + "-" + i);
    }
    return ids;
  }

  void run() throws InterruptedException {
    List<String> ids = ids();
    ids.forEach(id -> tallies.put(id, new CounterTally()));
    long deadline = System.nanoTime() + plan.duration().toNanos();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> all = new ArrayList<>();
      for (int c = 0; c < plan.concurrency(); c++) {
        int client = c;
        all.add(pool.submit(() -> {
          SplittableRandom rnd = new SplittableRandom(System.nanoTime() + client);
          URI edge = plan.edges().get(client % plan.edges().size());
          while (System.nanoTime() < deadline) {
            if (plan.batch() > 0) {
              batch(edge, ids, rnd);
            } else {
              single(edge, pick(ids, rnd), rnd.nextDouble() < plan.incrementShare());
            }
          }
          return null;
        }));
      }
      for (Future<?> f : all) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException("load client failed", e.getCause());
        }
      }
    }
  }

  private String pick(List<String> ids, SplittableRandom rnd) {
    return ids.size() == 1 || rnd.nextDouble() < plan.hotShare() ? ids.getFirst() : ids.get(1 + rnd.nextInt(ids.size() - 1));
  }

  private void single(URI edge, String id, boolean increment) {
    String token = plan.idempotent() ? UUID.randomUUID().toString() : null;
    HttpRequest.Builder req = HttpRequest.newBuilder(edge.resolve("/v1/" + id + "/likes"))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString("{\"action\":\"" + (increment ? "increment" : "decrement") + "\"}"));
    if (token != null) {
      req.header("Idempotency-Key", token);
    }
    Outcome o = send(req.build());
    CounterTally t = tallies.get(id);
    switch (o) {
      case ACKED -> t.acked(increment, 1);
      case UNCERTAIN -> t.uncertain(increment, 1);
      case REFUSED -> { }
    }
  }

  private void batch(URI edge, List<String> ids, SplittableRandom rnd) {
    JsonArray writes = new JsonArray();
    List<String> picked = new ArrayList<>(plan.batch());
    List<Boolean> ups = new ArrayList<>(plan.batch());
    for (int i = 0; i < plan.batch(); i++) {
      String id = pick(ids, rnd);
      boolean up = rnd.nextDouble() < plan.incrementShare();
      picked.add(id);
      ups.add(up);
      JsonObject w = new JsonObject().put("id", id).put("counter", "likes").put("action", up ? "increment" : "decrement");
      if (plan.idempotent()) {
        w.put("idempotency_key", UUID.randomUUID().toString());
      }
      writes.add(w);
    }
    HttpRequest req = HttpRequest.newBuilder(edge.resolve("/v1/batch"))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("writes", writes).encode())).build();
    Outcome o = send(req);
    for (int i = 0; i < picked.size(); i++) {
      CounterTally t = tallies.get(picked.get(i));
      switch (o) {
        case ACKED -> t.acked(ups.get(i), 1);
        case UNCERTAIN -> t.uncertain(ups.get(i), 1);
        case REFUSED -> { }
      }
    }
  }

  enum Outcome { ACKED, REFUSED, UNCERTAIN }

  /** Sends once, or with an idempotency key until acknowledged (bounded). */
  private Outcome send(HttpRequest req) {
    int attempts = plan.idempotent() ? 50 : 1;
    Outcome last = Outcome.REFUSED;
    for (int a = 0; a < attempts; a++) {
      long start = System.nanoTime();
      requests.increment();
      try {
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        latency.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start)));
        if (r.statusCode() == 200) {
          acked.increment();
          return Outcome.ACKED;
        }
        errors.increment();
        // A 503 "not_confirmed" was accepted and may still count; every other refusal changed nothing.
        last = r.statusCode() == 503 && r.body().contains("not_confirmed") ? Outcome.UNCERTAIN
            : last == Outcome.UNCERTAIN ? Outcome.UNCERTAIN : Outcome.REFUSED;
        if (r.statusCode() < 500) {
          break; // bad input is not retried
        }
      } catch (IOException e) {
        errors.increment();
        last = Outcome.UNCERTAIN;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Outcome.UNCERTAIN;
      }
      if (a + 1 < attempts) {
        try {
          Thread.sleep(Math.min(1_000, 20L << Math.min(a, 5))); // retry backoff, not a wait for a condition
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    if (last == Outcome.UNCERTAIN) {
      uncertain.increment();
    }
    return last;
  }

  HttpClient http() {
    return http;
  }
}
