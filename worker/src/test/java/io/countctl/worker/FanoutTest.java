package io.countctl.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.countctl.core.batch.BatchId;
import io.countctl.core.batch.Delta;
import io.countctl.core.batch.DeltaBatch;
import io.countctl.core.batch.DeltaBatchCodec;
import io.countctl.core.config.Settings;
import io.countctl.core.config.Topics;
import io.countctl.core.kafka.KeyPartitions;
import io.countctl.core.kafka.TopicProvisioner;
import io.countctl.core.key.CounterKey;
import io.countctl.core.store.CounterStore;
import io.countctl.testkit.TestServers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fan-out on real Kafka and Redis, calling a frontend's webhook (a small HTTP endpoint that
 * records what it is sent and can be told to fail): current values are pushed to new
 * subscriptions, failed calls are retried, and a frontend dropped after failures comes back when
 * it publishes its subscriptions again.
 */
class FanoutTest {
  static final int PARTITIONS = 4;
  static final String CLUSTER = "fanout";
  static TestServers servers;
  static CounterStore store;
  static KafkaProducer<byte[], byte[]> producer;
  static Worker worker;
  static HttpServer frontend;
  static String frontendUrl;
  /** Newest (count, version) the frontend took per counter. */
  static final Map<String, long[]> received = new ConcurrentHashMap<>();
  static final AtomicBoolean failing = new AtomicBoolean();
  /** Answers 204 but keeps nothing: a change lost after delivery (as an edge that missed it). */
  static final AtomicBoolean losing = new AtomicBoolean();
  static final AtomicInteger calls = new AtomicInteger();
  static final AtomicInteger seq = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    servers = TestServers.start();
    TopicProvisioner.ensureTopics(servers.kafka().bootstrapServers(), new Topics(CLUSTER), PARTITIONS, (short) 1);
    store = new CounterStore(servers.redis().url(), CLUSTER, 2);
    producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers.kafka().bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
    frontend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    frontend.createContext("/internal/totals", ex -> {
      calls.incrementAndGet();
      byte[] body = ex.getRequestBody().readAllBytes();
      if (failing.get()) {
        ex.sendResponseHeaders(503, -1);
      } else if (losing.get()) {
        ex.sendResponseHeaders(204, -1);
      } else {
        JsonArray changes = new JsonObject(new String(body, StandardCharsets.UTF_8)).getJsonArray("changes");
        for (int i = 0; i < changes.size(); i++) {
          JsonObject c = changes.getJsonObject(i);
          long[] now = {c.getLong("p") - c.getLong("n"), c.getLong("v")};
          received.merge(c.getString("id"), now, (old, n) -> n[1] >= old[1] ? n : old);
        }
        ex.sendResponseHeaders(204, -1);
      }
      ex.close();
    });
    frontend.start();
    frontendUrl = "http://127.0.0.1:" + frontend.getAddress().getPort();
    worker = Worker.start(WorkerConfig.from(Settings.of(servers.settings(CLUSTER, Map.of(
        "COUNT_WORKER_ID", "fanout-1",
        "COUNT_PARTITIONS", Integer.toString(PARTITIONS))))));
  }

  @AfterAll
  static void stop() {
    worker.close();
    frontend.stop(0);
    producer.close();
    store.close();
    servers.close();
  }

  static void increment(String id, long by) throws Exception {
    DeltaBatch b = new DeltaBatch(new BatchId("edge-f", 1, seq.incrementAndGet()), System.currentTimeMillis(),
        List.of(new Delta(new CounterKey(id, "likes"), by, 0)));
    producer.send(new ProducerRecord<>(new Topics(CLUSTER).deltas(), seq.get() % PARTITIONS, null, DeltaBatchCodec.encode(b))).get();
  }

  /** What an edge publishes when a counter gets its first watcher, and again every lease period. */
  static void subscribe(String id) throws Exception {
    CounterKey key = new CounterKey(id, "likes");
    byte[] value = new JsonObject().put("counter", key.toString()).put("frontend", frontendUrl).encode().getBytes(StandardCharsets.UTF_8);
    producer.send(new ProducerRecord<>(new Topics(CLUSTER).subscriptions(), KeyPartitions.partitionOf(key, PARTITIONS),
        (key + "|" + frontendUrl).getBytes(StandardCharsets.UTF_8), value)).get();
  }

  static void awaitReceived(String id, long count) {
    await(id + " = " + count + " at the frontend").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> received.containsKey(id) && received.get(id)[0] == count);
  }

  static void awaitCount(String id, long count) {
    await().atMost(Duration.ofSeconds(30)).until(() -> store.read(new CounterKey(id, "likes")).count() == count);
  }

  static double metric(String name) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.httpPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      for (String line : body.split("\n")) {
        if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
          return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return 0;
    }
  }

  @Test
  void aNewSubscriptionGetsTheCurrentValueWithoutWaitingForAChange() throws Exception {
    increment("quiet", 5);
    awaitCount("quiet", 5);
    subscribe("quiet"); // after the last change: only a push of the current value can reach it
    awaitReceived("quiet", 5);
    assertEquals(store.read(new CounterKey("quiet", "likes")).version(), received.get("quiet")[1], "with its version");
  }

  @Test
  void failedCallsAreRetriedAndADroppedFrontendComesBackWhenItSubscribesAgain() throws Exception {
    subscribe("flaky");
    awaitReceived("flaky", 0);
    failing.set(true);
    int before = calls.get();
    increment("flaky", 3);
    await().atMost(Duration.ofSeconds(30)).until(() -> calls.get() >= before + 2); // failed, and retried
    failing.set(false);
    awaitReceived("flaky", 3); // the change made while the frontend failed is not lost

    failing.set(true);
    increment("flaky", 1);
    await("the frontend dropped after 5 failures").atMost(Duration.ofSeconds(30))
        .until(() -> metric("count_worker_fanout_frontends_dropped_total") >= 1);
    failing.set(false);
    increment("flaky", 1);
    awaitCount("flaky", 5);
    int afterDrop = calls.get();
    subscribe("flaky"); // the edge's lease refresh
    awaitReceived("flaky", 5);
    assertTrue(calls.get() > afterDrop);
  }

  @Test
  void aRenewedSubscriptionBringsBackAChangeTheFrontendLost() throws Exception {
    subscribe("lossy");
    awaitReceived("lossy", 0);
    losing.set(true);
    int before = calls.get();
    increment("lossy", 2);
    awaitCount("lossy", 2);
    await().atMost(Duration.ofSeconds(30)).until(() -> calls.get() > before); // delivered, and lost
    losing.set(false);
    assertEquals(0, received.get("lossy")[0], "the frontend missed the change");
    subscribe("lossy"); // the edge's lease renewal of a subscription the worker already has
    awaitReceived("lossy", 2);
  }
}
