package io.countctl.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.cli.provision.CommandRun;
import io.countctl.core.config.Settings;
import io.countctl.edge.EdgeConfig;
import io.countctl.edge.EdgeNode;
import io.countctl.testkit.KafkaTestCluster;
import io.countctl.testkit.RedisTestServer;
import io.countctl.worker.Worker;
import io.countctl.worker.WorkerConfig;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code countctl bench} against a real edge, worker, Kafka and Redis: its client's writes are
 * counted exactly, in the closed loop with idempotency keys and at a fixed rate. Short runs; no
 * assertion on how fast (that is bench/run.sh's business).
 */
class BenchEndToEndTest {
  static KafkaTestCluster kafka;
  static RedisTestServer redis;
  static Worker worker;
  static EdgeNode edge;

  @BeforeAll
  static void start() {
    kafka = KafkaTestCluster.start();
    redis = RedisTestServer.start();
    worker = Worker.start(WorkerConfig.from(settings(Map.of("COUNT_WORKER_ID", "bench-worker"))));
    edge = EdgeNode.start(EdgeConfig.from(settings(Map.of("COUNT_EDGE_ID", "bench-edge"))));
  }

  static Settings settings(Map<String, String> extra) {
    Map<String, String> m = new HashMap<>(Map.of(
        Settings.CLUSTER, "bench",
        Settings.KAFKA_BOOTSTRAP, kafka.bootstrapServers(),
        Settings.REDIS_URL, redis.url().toString(),
        Settings.HTTP_PORT, "0",
        "COUNT_PARTITIONS", "2",
        "COUNT_EVENT_LOOPS", "1"));
    m.putAll(extra);
    return Settings.of(m);
  }

  @AfterAll
  static void stop() {
    edge.close();
    worker.close();
    redis.close();
    kafka.close();
  }

  static JsonObject bench(String... extra) {
    List<String> args = new ArrayList<>(List.of("bench", "--url", "http://127.0.0.1:" + edge.port(), "--duration", "1s",
        "--warmup", "200ms", "--counters", "10", "-o", "json"));
    args.addAll(List.of(extra));
    CommandRun run = CommandRun.of(args.toArray(String[]::new));
    assertEquals(0, run.exitCode(), run.toString());
    return new JsonObject(run.out());
  }

  @Test
  void everyAcknowledgedKeyedWriteIsCountedOnce() {
    JsonObject r = bench("--idempotent", "--concurrency", "8");
    assertTrue(r.getLong("acked") > 0, r.encodePrettily());
    assertTrue(r.getBoolean("exact"), r.encodePrettily());
    assertEquals(r.getLong("expectedNet"), r.getLong("countedNet"), r.encodePrettily());
    assertEquals(0, r.getLong("uncertain"), r.encodePrettily());
    assertEquals(8, r.getInteger("connections"));
  }

  @Test
  void aFixedRateRunReportsItsTargetAndBothLatencies() {
    JsonObject r = bench("--rate", "200", "--concurrency", "4");
    assertTrue(r.getBoolean("exact"), r.encodePrettily());
    assertEquals(200.0, r.getDouble("targetRate"));
    assertTrue(r.getLong("acked") > 0 && r.getDouble("sentPerSecond") > 0, r.encodePrettily());
    assertTrue(r.getDouble("correctedP99Millis") >= r.getDouble("p50Millis"), r.encodePrettily());
    assertTrue(r.containsKey("rateReached") && r.containsKey("missedSlots"), r.encodePrettily());
  }
}
