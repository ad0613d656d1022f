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
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Clients that write with an Idempotency-Key each and retry a write with the same key — on the
 * other edge after a failure — until it is acknowledged, as the platform asks clients to. Every
 * write started is finished before {@link #stop()} returns, so each counter's expected P and N are
 * exact: nothing is "maybe counted".
 */
final class IdempotentLoad {
  /** Expected increments and decrements of one counter id. */
  record Expected(long p, long n) {
  }

  static final String COUNTER = "likes";
  static final String HOT = "hot";

  private final List<URI> edges;
  private final int counters;
  private final Map<String, LongAdder> plus = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> minus = new ConcurrentHashMap<>();
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> clients = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  IdempotentLoad(List<URI> edges, int counters) {
    this.edges = List.copyOf(edges);
    this.counters = counters;
  }

  void start(int clientCount) {
    for (int i = 0; i < clientCount; i++) {
      int first = i % edges.size();
      clients.add(Thread.ofPlatform().name("client-" + i).start(() -> run(first)));
    }
  }

  List<URI> edgeUrls() {
    return edges;
  }

  long acked() {
    return acked.get();
  }

  long retries() {
    return retries.get();
  }

  /** Stops starting writes and waits for the ones under way to be acknowledged. */
  void stop(Duration timeout) throws InterruptedException {
    running.set(false);
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Thread t : clients) {
      t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      if (t.isAlive()) {
        throw new AssertionError(t.getName() + " could not get its last write acknowledged within " + timeout);
      }
    }
  }

  Map<String, Expected> expected() {
    Map<String, Expected> all = new java.util.TreeMap<>();
    for (String id : ids()) {
      all.put(id, new Expected(sum(plus, id), sum(minus, id)));
    }
    return all;
  }

  List<String> ids() {
    List<String> ids = new ArrayList<>();
    ids.add(HOT);
    for (int i = 0; i < counters; i++) {
      ids.add("post-" + i);
    }
    return ids;
  }

  private static long sum(Map<String, LongAdder> m, String id) {
    LongAdder a = m.get(id);
    return a == null ? 0 : a.sum();
  }

  private void run(int edge) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (running.get()) {
      // Half the writes go to one hot counter, the rest spread over the others.
      String id = random.nextBoolean() ? HOT : "post-" + random.nextInt(counters);
      boolean increment = random.nextInt(10) < 7;
      int by = 1 + random.nextInt(3);
      String key = UUID.randomUUID().toString();
      String body = "{\"action\":\"" + (increment ? "increment" : "decrement") + "\",\"by\":" + by + "}";
      edge = writeUntilAcknowledged(edge, id, key, body);
      (increment ? plus : minus).computeIfAbsent(id, k -> new LongAdder()).add(by);
      acked.incrementAndGet();
    }
  }

  /** @return the edge that acknowledged, where the next write goes */
  private int writeUntilAcknowledged(int edge, String id, String key, String body) {
    long backoffMs = 20;
    while (true) {
      URI url = edges.get(edge).resolve("/v1/" + id + "/" + COUNTER);
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(url)
            .timeout(Duration.ofSeconds(20))
            .header("Idempotency-Key", key)
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return edge;
        }
        if (r.statusCode() != 503) {
          throw new AssertionError("unexpected answer " + r.statusCode() + " " + r.body());
        }
      } catch (IOException e) {
        // the edge is gone or restarting: the same key goes to the other edge
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted with a write unacknowledged", e);
      }
      retries.incrementAndGet();
      edge = (edge + 1) % edges.size();
      try {
        Thread.sleep(backoffMs); // client back-off between retries, as Retry-After asks
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted with a write unacknowledged", e);
      }
      backoffMs = Math.min(1_000, backoffMs * 2);
    }
  }
}
