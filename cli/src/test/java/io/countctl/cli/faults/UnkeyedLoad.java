package io.countctl.cli.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Clients that write without an Idempotency-Key and never retry (a retry could count twice): each
 * write is either answered 200 (acknowledged) or not (503, a timeout, a dropped connection: maybe
 * counted). So for each counter {@code acked ≤ counted ≤ acked + unanswered}. Increments only, on
 * counters of their own, so the bounds hold per counter.
 */
final class UnkeyedLoad {
  /** What one counter was acknowledged and left unanswered. */
  record Bounds(long acked, long unanswered) {}

  static final String COUNTER = "views";

  private final List<URI> edges;
  private final int counters;
  private final Map<String, LongAdder> acked = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> unanswered = new ConcurrentHashMap<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> clients = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  UnkeyedLoad(List<URI> edges, int counters) {
    this.edges = List.copyOf(edges);
    this.counters = counters;
  }

  void start(int clientCount) {
    for (int i = 0; i < clientCount; i++) {
      int first = i % edges.size();
      clients.add(Thread.ofPlatform().name("unkeyed-" + i).start(() -> run(first)));
    }
  }

  /** Stops and waits for the writes under way to be answered (or to time out). */
  void stop(Duration timeout) throws InterruptedException {
    running.set(false);
    for (Thread t : clients) {
      t.join(timeout);
    }
  }

  Map<String, Bounds> bounds() {
    Map<String, Bounds> all = new TreeMap<>();
    for (int i = 0; i < counters; i++) {
      String id = "free-" + i;
      all.put(id, new Bounds(sum(acked, id), sum(unanswered, id)));
    }
    return all;
  }

  long acked() {
    return acked.values().stream().mapToLong(LongAdder::sum).sum();
  }

  long unanswered() {
    return unanswered.values().stream().mapToLong(LongAdder::sum).sum();
  }

  private static long sum(Map<String, LongAdder> m, String id) {
    LongAdder a = m.get(id);
    return a == null ? 0 : a.sum();
  }

  private void run(int edge) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (running.get()) {
      String id = "free-" + random.nextInt(counters);
      int by = 1 + random.nextInt(3);
      boolean ok = false;
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(edges.get(edge).resolve("/v1/" + id + "/" + COUNTER))
            .timeout(Duration.ofSeconds(20))
            .PUT(HttpRequest.BodyPublishers.ofString("{\"action\":\"increment\",\"by\":" + by + "}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 && r.statusCode() != 503) {
          throw new AssertionError("unexpected answer " + r.statusCode() + " " + r.body());
        }
        ok = r.statusCode() == 200;
      } catch (IOException e) {
        // the edge is gone or restarting: not answered, maybe counted
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      (ok ? acked : unanswered).computeIfAbsent(id, k -> new LongAdder()).add(by);
      if (!ok) {
        edge = (edge + 1) % edges.size(); // the next write tries the other edge
        try {
          Thread.sleep(100); // back off, as Retry-After asks
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
