package io.countctl.cli.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.config.Settings;
import io.countctl.core.key.CounterKey;
import io.countctl.core.store.CounterStore;
import io.countctl.edge.EdgeNode;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Reads on one edge are monotone and never count a write twice, under concurrent load on real
 * Kafka, Redis and a worker (issue 15 item 9): 16 writers send increments of one counter to one
 * edge while readers read it in a loop from the same edge. Every read must be at least the read
 * before it, at least the writes acknowledged before it was sent, and at most the writes sent
 * before its answer arrived. A short read cache makes the edge combine a new Redis snapshot with
 * its own in-flight batches hundreds of times a second, the moments both causes of the issue hit.
 */
class ReadMonotonicityTest {
  static final int WRITERS = 16;
  static final int READERS = 2;
  static final Duration RUN = Duration.ofSeconds(10);
  static final CounterKey KEY = new CounterKey("post-mono", "likes");

  @Test
  void readsOnOneEdgeNeverGoBackNorCountAWriteTwice() throws Exception {
    try (PlatformFixture platform = PlatformFixture.start("mono", Map.of(Settings.ACK_MODE, "durable", "COUNT_READ_CACHE_MS", "3"))) {
      platform.startWorker("mono-worker");
      EdgeNode edge = platform.startEdge("mono-edge");
      try (CounterStore store = new CounterStore(platform.redis().url(), "mono", 2)) {
        Load load = new Load(URI.create("http://127.0.0.1:" + edge.port() + "/v1/" + KEY.id() + "/" + KEY.counter()));
        load.run(RUN);

        System.out.printf("ReadMonotonicityTest: %d writes acknowledged (%d failed), %d reads%n",
            load.acked.get(), load.failed.get(), load.reads.get());
        assertTrue(load.reads.get() >= 50, "the readers read often enough to show anything: " + load.reads.get());
        assertTrue(load.acked.get() >= 200, "the writers wrote enough to show anything: " + load.acked.get());
        assertEquals(List.of(), List.copyOf(load.violations), "reads that went back, missed or double-counted writes");
        assertEquals(0, load.failed.get(), "every write was acknowledged");
        // Exactly once end to end: Redis ends at the acknowledged writes, and so does the edge.
        await().atMost(Duration.ofSeconds(30)).until(() -> store.read(KEY).state().value() == load.acked.get());
        assertEquals(load.acked.get(), load.read());
      }
    }
  }

  /** Writers and readers against one counter of one edge, checking every answer as it comes. */
  static final class Load {
    final URI url;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final AtomicLong sent = new AtomicLong();
    final AtomicLong acked = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong reads = new AtomicLong();
    final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    final AtomicBoolean stop = new AtomicBoolean();

    Load(URI url) {
      this.url = url;
    }

    void run(Duration duration) throws InterruptedException {
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < WRITERS; i++) {
        threads.add(Thread.ofPlatform().name("writer-" + i).start(this::write));
      }
      for (int i = 0; i < READERS; i++) {
        threads.add(Thread.ofPlatform().name("reader-" + i).start(this::readLoop));
      }
      Thread.sleep(duration.toMillis()); // the load's duration, not a wait for a condition
      stop.set(true);
      for (Thread t : threads) {
        t.join(30_000);
      }
    }

    private void write() {
      HttpRequest put = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(20))
          .PUT(HttpRequest.BodyPublishers.ofString("{\"action\":\"increment\"}")).build();
      while (!stop.get()) {
        sent.incrementAndGet();
        try {
          HttpResponse<String> r = http.send(put, HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() != 200) {
            failed.incrementAndGet();
            continue;
          }
          acked.incrementAndGet();
          long count = new JsonObject(r.body()).getLong("count");
          long sentNow = sent.get();
          if (count > sentNow) {
            violations.add("a write was answered " + count + " with only " + sentNow + " writes sent");
          }
        } catch (Exception e) {
          failed.incrementAndGet();
        }
      }
    }

    private void readLoop() {
      long previous = Long.MIN_VALUE;
      while (!stop.get()) {
        long ackedBefore = acked.get();
        long v;
        try {
          v = read();
        } catch (Exception e) {
          violations.add("a read failed: " + e);
          return;
        }
        long sentAfter = sent.get();
        reads.incrementAndGet();
        if (v < previous) {
          violations.add("a read went back: " + previous + " → " + v);
        }
        if (v < ackedBefore) {
          violations.add("a read missed acknowledged writes: " + v + " < " + ackedBefore);
        }
        if (v > sentAfter) {
          violations.add("a read counted more than was written: " + v + " > " + sentAfter + " sent");
        }
        previous = v;
        if (violations.size() > 50) {
          return;
        }
      }
    }

    long read() throws Exception {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(20)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("GET answered " + r.statusCode() + ": " + r.body());
      }
      return new JsonObject(r.body()).getLong("count");
    }
  }
}
