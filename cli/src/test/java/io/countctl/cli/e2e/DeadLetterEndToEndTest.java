package io.countctl.cli.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.cli.provision.CommandRun;
import io.countctl.core.batch.BatchId;
import io.countctl.core.batch.Delta;
import io.countctl.core.batch.DeltaBatch;
import io.countctl.core.batch.DeltaBatchCodec;
import io.countctl.core.config.Settings;
import io.countctl.core.config.Topics;
import io.countctl.core.key.CounterKey;
import io.countctl.core.store.CounterStore;
import io.countctl.core.store.RedisKeys;
import io.countctl.edge.EdgeNode;
import io.countctl.worker.Worker;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Dead letters end to end on real Kafka and Redis: a worker sets aside a malformed record and a
 * batch that would overflow a counter (the store refuses it), {@code countctl dlq list} shows them
 * with their reasons, and {@code countctl dlq replay} puts them back through the exactly-once apply
 * once the cause is fixed. Every test has its own cluster (its own topics and keys) on one Kafka
 * and Redis, and ends comparing Redis with what was acknowledged plus what was replayed.
 */
class DeadLetterEndToEndTest {
  static PlatformFixture platform;
  static final AtomicInteger clusters = new AtomicInteger();
  static final HttpClient http = HttpClient.newHttpClient();
  static final long NEAR_MAX = 9_199_999_999_999_999_000L;

  String cluster;
  Topics topics;
  String bootstrap;
  CounterStore store;
  KafkaProducer<byte[], byte[]> producer;
  Worker worker;
  EdgeNode edge;

  @BeforeAll
  static void servers() {
    platform = PlatformFixture.start("dlq", Map.of(Settings.ACK_MODE, "durable", "COUNT_STORE_TIMEOUT_MS", "500"));
  }

  @AfterAll
  static void stopServers() {
    platform.close();
  }

  @BeforeEach
  void cluster() {
    cluster = "dlq" + clusters.incrementAndGet();
    topics = new Topics(cluster);
    Settings s = platform.settings(Map.of(Settings.CLUSTER, cluster));
    bootstrap = s.required(Settings.KAFKA_BOOTSTRAP);
    worker = platform.startWorker(cluster + "-worker", Map.of(Settings.CLUSTER, cluster));
    edge = platform.startEdge(cluster + "-edge", Map.of(Settings.CLUSTER, cluster));
    store = new CounterStore(platform.redis().url(), cluster, 2);
    producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
        new ByteArraySerializer(), new ByteArraySerializer());
  }

  @AfterEach
  void close() {
    producer.close();
    store.close();
  }

  CommandRun dlq(String... args) {
    String[] all = new String[args.length + 5];
    all[0] = "dlq";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--bootstrap";
    all[args.length + 2] = bootstrap;
    all[args.length + 3] = "--cluster";
    all[args.length + 4] = cluster;
    CommandRun run = CommandRun.of(all);
    assertEquals(0, run.exitCode(), run.toString());
    return run;
  }

  JsonArray listJson() {
    return new JsonArray(dlq("list", "-o", "json").out());
  }

  /** Increments through the edge; returns how many were acknowledged (200). */
  long acked(CounterKey key, int writes) throws Exception {
    long ok = 0;
    for (int i = 0; i < writes; i++) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + "/v1/" + key.id() + "/"
          + key.counter())).PUT(HttpRequest.BodyPublishers.ofString("{\"action\":\"increment\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        ok++;
      }
    }
    return ok;
  }

  void send(int partition, byte[] value) throws Exception {
    producer.send(new ProducerRecord<>(topics.deltas(), partition, null, value)).get();
  }

  void send(int partition, String edgeId, long seq, CounterKey key, long p) throws Exception {
    send(partition, DeltaBatchCodec.encode(new DeltaBatch(new BatchId(edgeId, 1, seq), System.currentTimeMillis(),
        List.of(new Delta(key, p, 0)))));
  }

  /** A counter the store will refuse to grow: the "cause" an operator fixes before a replay. */
  void nearMax(CounterKey key) {
    try (Jedis j = new Jedis(platform.redis().url())) {
      j.hset(new RedisKeys(cluster).counter(key), "p", Long.toString(NEAR_MAX));
    }
  }

  void fix(CounterKey key) {
    try (Jedis j = new Jedis(platform.redis().url())) {
      j.hset(new RedisKeys(cluster).counter(key), "p", "0");
    }
  }

  long count(CounterKey key) {
    return store.read(key).count();
  }

  void awaitLetters(int n) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> listJson().size() >= n);
  }

  /** An overflowing batch of edge-x on partition 1, then a later batch of the same edge there: the edge's mark passes it. */
  CounterKey overflowThenLater(CounterKey later) throws Exception {
    CounterKey full = new CounterKey("full-" + cluster, "likes");
    nearMax(full);
    send(1, "edge-x", 1, full, 5_000);
    send(1, "edge-x", 2, later, 7);
    return full;
  }

  @Test
  void listShowsAPoisonRecordAndAnOverflowWithTheirReasonsEdgeAndSize() throws Exception {
    CounterKey later = new CounterKey("later", "likes");
    send(0, "not a batch".getBytes(StandardCharsets.UTF_8));
    overflowThenLater(later);
    awaitLetters(2);
    JsonArray letters = listJson();
    assertEquals(2, letters.size(), letters.encodePrettily());
    JsonObject poison = byReason(letters, "malformed");
    assertEquals(topics.deltasDlq(), poison.getString("topic"));
    assertEquals("0:0", poison.getString("origin"));
    assertNull(poison.getString("edge"));
    JsonObject overflow = byReason(letters, "overflow");
    assertEquals("edge-x", overflow.getString("edge"));
    assertEquals("1:1", overflow.getString("batch"));
    assertEquals(1, overflow.getInteger("counters"));
    assertEquals(5_000, overflow.getLong("operations"));
    assertEquals("1:0", overflow.getString("origin"));
    String table = dlq("list").out();
    assertTrue(table.contains("REASON") && table.contains("malformed") && table.contains("overflow") && table.contains("edge-x"), table);
    String yaml = dlq("list", "-o", "yaml").out();
    assertTrue(yaml.contains("reason: \"overflow") || yaml.contains("reason: overflow"), yaml);
    assertEquals(7, count(later), "the partition went on past the dead letters");
    assertEquals(0, listJsonWith("--since", "2000-01-01T00:00:00Z").size() - 2, "--since before both lists both");
    assertEquals(0, listJsonWith("--since", "PT0S").size(), "--since now lists none");
  }

  static JsonObject byReason(JsonArray letters, String prefix) {
    for (int i = 0; i < letters.size(); i++) {
      if (letters.getJsonObject(i).getString("reason").startsWith(prefix)) {
        return letters.getJsonObject(i);
      }
    }
    throw new AssertionError("no dead letter with a reason starting '" + prefix + "' in " + letters.encodePrettily());
  }

  JsonArray listJsonWith(String... more) {
    String[] args = new String[3 + more.length];
    args[0] = "list";
    args[1] = "-o";
    args[2] = "json";
    System.arraycopy(more, 0, args, 3, more.length);
    return new JsonArray(dlq(args).out());
  }

  @Test
  void replayAfterTheFixCountsEachOnceAndASecondReplayOrADryRunChangesNothing() throws Exception {
    CounterKey acked = new CounterKey("acked", "likes");
    CounterKey later = new CounterKey("later", "likes");
    long ok = acked(acked, 20);
    CounterKey full = overflowThenLater(later);
    ok += acked(acked, 20);
    awaitLetters(1);
    assertEquals(NEAR_MAX, count(full), "the refused batch did not count");
    fix(full);

    String dry = dlq("replay", "--dry-run").out();
    assertTrue(dry.contains("would replay 1 dead letter"), dry);
    long finalOk = ok;
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertEquals(0, count(full), "a dry run sends nothing");
      assertTrue(store.replayed().isEmpty());
      assertEquals(finalOk, count(acked));
    });

    String replay = dlq("replay").out();
    assertTrue(replay.contains("replayed 1 dead letter"), replay);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(5_000, count(full)));
    assertEquals(1, store.replayed().size());

    dlq("replay"); // again: the worker skips it
    dlq("replay", "--since", "1h");
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertEquals(5_000, count(full), "replayed three times, counted once");
      assertEquals(7, count(later));
      assertEquals(finalOk, count(acked), "acknowledged writes counted exactly once");
    });
    assertEquals(1, listJson().size(), "nothing failed again");
  }

  @Test
  void aMalformedRecordReplayedIsDeadLetteredAgainNotCountedNotLost() throws Exception {
    CounterKey acked = new CounterKey("acked", "likes");
    send(2, "still not a batch".getBytes(StandardCharsets.UTF_8));
    awaitLetters(1);
    long ok = acked(acked, 10);
    dlq("replay");
    awaitLetters(2);
    JsonArray letters = listJson();
    assertEquals(2, letters.size(), letters.encodePrettily());
    JsonObject again = letters.getJsonObject(1);
    assertTrue(again.getString("reason").startsWith("malformed"), again.encode());
    assertEquals("0:0", again.getString("replayOf"), "names the dead letter it replayed");
    assertEquals("2:0", again.getString("origin"), "keeps where the batch was first read");
    assertTrue(dlq("list").out().contains("failed again"));
    // Replaying again sends one record per batch (the two letters are one origin) and still loses nothing.
    String replay = dlq("replay").out();
    assertTrue(replay.contains("replayed 1 dead letter"), replay);
    awaitLetters(3);
    assertEquals(ok, count(acked));
  }

  @Test
  void aStoreOutageAndAWorkerCrashAroundReplaysCountEachDeadLetterOnce() throws Exception {
    CounterKey acked = new CounterKey("acked", "likes");
    CounterKey later = new CounterKey("later", "likes");
    CounterKey full = overflowThenLater(later);
    CounterKey full2 = new CounterKey("full2-" + cluster, "likes");
    nearMax(full2);
    send(3, "edge-y", 4, full2, 3_000);
    awaitLetters(2);
    fix(full);
    fix(full2);
    long ok = acked(acked, 10);

    platform.redis().pause(); // the store is out while the replays arrive
    try {
      dlq("replay");
      dlq("replay"); // twice: copies land on any partition, each owner checks in the apply
      ok += acked(acked, 10); // durable writes go on while Redis hangs
    } finally {
      platform.redis().resume();
    }
    long finalOk = ok;
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertEquals(5_000, count(full));
      assertEquals(3_000, count(full2));
      assertEquals(finalOk, count(acked));
    });
    platform.crash(worker); // a crash, then a replay while no worker runs: the new owner resumes from Redis
    dlq("replay");
    worker = platform.startWorker(cluster + "-worker-2", Map.of(Settings.CLUSTER, cluster));
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertEquals(5_000, count(full));
      assertEquals(3_000, count(full2));
      assertEquals(7, count(later));
      assertEquals(finalOk, count(acked));
    });
    assertEquals(2, store.replayed().size());
    assertEquals(2, listJson().size(), "nothing failed again");
  }
}
