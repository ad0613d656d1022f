package io.countctl.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.cli.provision.CommandRun;
import io.countctl.cli.e2e.PlatformFixture;
import io.countctl.edge.EdgeNode;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
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
  static PlatformFixture platform;
  static EdgeNode edge;

  @BeforeAll
  static void start() {
    platform = PlatformFixture.start("bench", Map.of("COUNT_PARTITIONS", "2", "COUNT_EVENT_LOOPS", "1"));
    platform.startWorker("bench-worker");
    edge = platform.startEdge("bench-edge");
  }

  @AfterAll
  static void stop() {
    platform.close();
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
