package io.countctl.cli.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.config.Settings;
import io.countctl.core.key.CounterKey;
import io.countctl.core.store.CounterStore;
import io.countctl.edge.EdgeNode;
import io.countctl.testkit.RedisTestServer;
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
 * A store that hangs stops no write (issue 15 item 10). Redis is frozen with SIGSTOP — a hang, as a
 * stuck node or a partition looks, not a refusal — while 16 writers and a reader use one edge.
 * Kafka makes writes durable, so they go on being answered 200 within the store timeout, with the
 * last known count marked stale; reads answer the last known total marked stale; once Redis goes on
 * (SIGCONT), the worker's commits that timed out meanwhile are retried and Redis ends at exactly the
 * acknowledged writes.
 */
class StoreHangTest {
  static final int WRITERS = 16;
  static final Duration PAUSE = Duration.ofSeconds(4);
  static final long STORE_TIMEOUT_MS = 500;
  /** Bound on any answer while the store hangs: its timeout plus room for a loaded CI machine. */
  static final long MAX_ANSWER_MS = STORE_TIMEOUT_MS + 2_500;
  static final CounterKey KEY = new CounterKey("post-hang", "likes");

  /** One answer as a client saw it. */
  record Answer(boolean write, long startedMs, long latencyMs, int status, long count, boolean staleHeader,
      boolean staleField, long ackedBefore) {}

  @Test
  void writesAreAnsweredWithinTheTimeoutWhileRedisHangsAndCountExactlyOnceAfter() throws Exception {
    try (PlatformFixture platform = PlatformFixture.start("hang", Map.of(Settings.ACK_MODE, "durable",
        "COUNT_STORE_TIMEOUT_MS", Long.toString(STORE_TIMEOUT_MS)))) {
      RedisTestServer redis = platform.redis();
      // The worker's own Redis timeout is shorter than the pause: its commit times out and is
      // retried, each attempt left queued in the frozen Redis's sockets.
      platform.startWorker("hang-worker", Map.of("COUNT_STORE_TIMEOUT_MS", "1000"));
      EdgeNode edge = platform.startEdge("hang-edge");
      Clients clients = new Clients(URI.create("http://127.0.0.1:" + edge.port() + "/v1/" + KEY.id() + "/" + KEY.counter()));
      try (CounterStore store = new CounterStore(redis.url(), "hang", 2)) {
        clients.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> clients.acked.get() >= 200);

        long pausedAt = clients.now();
        long ackedAtPause = clients.acked.get();
        redis.pause();
        Thread.sleep(PAUSE.toMillis()); // the fault's duration, not a wait for a condition
        long resumedAt = clients.now();
        redis.resume();
        // Fresh answers again once the edge sees Redis answer.
        await().atMost(Duration.ofSeconds(20)).until(() -> clients.answers.stream()
            .anyMatch(a -> a.startedMs() > resumedAt && a.status() == 200 && !a.staleHeader()));
        clients.stop();

        List<Answer> all = List.copyOf(clients.answers);
        List<Answer> during = all.stream().filter(a -> a.startedMs() >= pausedAt && a.startedMs() < resumedAt).toList();
        List<Answer> writesDuring = during.stream().filter(Answer::write).toList();
        List<Answer> readsDuring = during.stream().filter(a -> !a.write()).toList();
        long slowest = during.stream().mapToLong(Answer::latencyMs).max().orElse(-1);
        System.out.printf("StoreHangTest: %d writes acknowledged (%d failed), %d of them during the %d s pause, "
            + "%d reads during it, slowest answer during it %d ms%n", clients.acked.get(), clients.failed.get(),
            writesDuring.size(), PAUSE.toSeconds(), readsDuring.size(), slowest);

        assertEquals(0, clients.failed.get(), "every write was answered 200: " + clients.failures);
        assertTrue(writesDuring.size() >= WRITERS, "writes went on while Redis hung: " + writesDuring.size());
        assertTrue(slowest >= 0 && slowest <= MAX_ANSWER_MS, "no answer waited past the timeout: " + slowest + " ms");
        assertTrue(writesDuring.stream().anyMatch(a -> a.staleHeader() && a.staleField()),
            "write answers from the last known count say so (Count-Stale: true, \"stale\": true)");
        assertTrue(readsDuring.stream().anyMatch(a -> a.staleHeader() && a.staleField()), "stale reads say so");
        for (Answer a : during) {
          assertEquals(a.staleHeader(), a.staleField(), "header and field agree: " + a);
        }
        for (Answer a : readsDuring) {
          assertTrue(a.count() >= ackedAtPause, "a stale read still holds what was acknowledged before the pause: " + a);
        }
        long previous = Long.MIN_VALUE;
        for (Answer a : all.stream().filter(x -> !x.write()).toList()) {
          assertTrue(a.count() >= previous, "reads never went back: " + previous + " then " + a);
          previous = a.count();
        }

        // The backlog drains exactly once: Redis ends at the acknowledged writes, no more, no less.
        long acked = clients.acked.get();
        await().atMost(Duration.ofSeconds(60)).until(() -> store.read(KEY).state().value() >= acked);
        assertEquals(acked, store.read(KEY).state().value(), "Redis holds every acknowledged write exactly once");
        assertEquals(acked, clients.sent.get(), "no write was left unanswered");
      } finally {
        clients.stop();
      }
    }
  }

  /** 16 writers and one reader on one counter, every answer recorded with its timing. */
  static final class Clients {
    final URI url;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final long origin = System.nanoTime();
    final AtomicLong sent = new AtomicLong();
    final AtomicLong acked = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    final AtomicBoolean stop = new AtomicBoolean();
    final List<Thread> threads = new ArrayList<>();

    Clients(URI url) {
      this.url = url;
    }

    long now() {
      return (System.nanoTime() - origin) / 1_000_000;
    }

    void start() {
      for (int i = 0; i < WRITERS; i++) {
        threads.add(Thread.ofPlatform().name("writer-" + i).start(() -> loop(true)));
      }
      threads.add(Thread.ofPlatform().name("reader").start(() -> loop(false)));
    }

    void stop() throws InterruptedException {
      stop.set(true);
      for (Thread t : threads) {
        t.join(30_000);
      }
    }

    private void loop(boolean write) {
      HttpRequest request = write
          ? HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
              .PUT(HttpRequest.BodyPublishers.ofString("{\"action\":\"increment\"}")).build()
          : HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).GET().build();
      while (!stop.get()) {
        long ackedBefore = acked.get();
        long started = now();
        if (write) {
          sent.incrementAndGet();
        }
        try {
          HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
          long latency = now() - started;
          if (r.statusCode() != 200) {
            if (write) {
              failed.incrementAndGet();
            }
            failures.add(r.statusCode() + " " + r.body());
            answers.add(new Answer(write, started, latency, r.statusCode(), -1, false, false, ackedBefore));
            continue;
          }
          if (write) {
            acked.incrementAndGet();
          }
          JsonObject body = new JsonObject(r.body());
          answers.add(new Answer(write, started, latency, 200, body.getLong("count"),
              "true".equals(r.headers().firstValue("Count-Stale").orElse(null)), body.getBoolean("stale", false),
              ackedBefore));
        } catch (Exception e) {
          if (write) {
            failed.incrementAndGet();
          }
          failures.add(e.toString());
        }
      }
    }
  }
}
