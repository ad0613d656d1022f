package io.countctl.cli.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.config.Settings;
import io.countctl.core.config.Topics;
import io.countctl.core.key.CounterKey;
import io.countctl.core.store.CounterStore;
import io.countctl.edge.EdgeConfig;
import io.countctl.edge.EdgeNode;
import io.countctl.testkit.KafkaTestCluster;
import io.countctl.testkit.RedisTestServer;
import io.countctl.worker.Worker;
import io.countctl.worker.WorkerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/**
 * Production topic settings on a 3-broker KRaft cluster: replication 3, {@code min.insync.replicas}
 * 2, producers with {@code acks=all}. One broker dies under durable load; every acknowledged write
 * is counted, and no write is counted that was not sent.
 */
class BrokerLossTest {
  @Test
  void oneBrokerDiesUnderDurableLoadAndNothingAcknowledgedIsLost() throws Exception {
    String cluster = "brokers";
    try (KafkaTestCluster kafka = KafkaTestCluster.start(3); RedisTestServer redis = RedisTestServer.start()) {
      Map<String, String> common = new HashMap<>(Map.of(
          Settings.CLUSTER, cluster,
          Settings.KAFKA_BOOTSTRAP, kafka.bootstrapServers(),
          Settings.REDIS_URL, redis.url().toString(),
          Settings.HTTP_PORT, "0",
          Settings.ACK_MODE, "durable",
          "COUNT_PARTITIONS", "6",
          "COUNT_REPLICATION", "3",
          "COUNT_EVENT_LOOPS", "2",
          "COUNT_FANOUT", "false"));
      Map<String, String> workerSettings = new HashMap<>(common);
      workerSettings.put("COUNT_WORKER_ID", "broker-loss-worker");
      Map<String, String> edgeSettings = new HashMap<>(common);
      edgeSettings.put("COUNT_EDGE_ID", "broker-loss-edge");
      edgeSettings.remove("COUNT_FANOUT");
      try (Worker worker = Worker.start(WorkerConfig.from(Settings.of(workerSettings)));
           EdgeNode edge = EdgeNode.start(EdgeConfig.from(Settings.of(edgeSettings)));
           CounterStore store = new CounterStore(redis.url(), cluster, 2);
           Admin admin = kafka.admin()) {
        Topics topics = new Topics(cluster);
        Config deltas = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topics.deltas())))
            .all().get(30, TimeUnit.SECONDS).values().iterator().next();
        assertEquals("2", deltas.get("min.insync.replicas").value(), "production topics need two copies of a write");
        assertEquals(3, admin.describeTopics(List.of(topics.deltas())).allTopicNames().get(30, TimeUnit.SECONDS)
            .get(topics.deltas()).partitions().getFirst().replicas().size());

        int writers = 8;
        List<CounterKey> keys = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
          keys.add(new CounterKey("b-" + i, "likes"));
        }
        AtomicLong acked = new AtomicLong();
        AtomicLong unanswered = new AtomicLong(); // sent, answered other than 200: may or may not count
        AtomicBoolean stop = new AtomicBoolean();
        HttpClient http = HttpClient.newHttpClient();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
          URI url = URI.create("http://127.0.0.1:" + edge.port() + "/v1/b-" + i + "/likes");
          threads.add(Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
              try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(20))
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"action\":\"increment\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
                (r.statusCode() == 200 ? acked : unanswered).incrementAndGet();
              } catch (Exception e) {
                unanswered.incrementAndGet();
              }
            }
          }));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> acked.get() > 200);
        List<Integer> ids = kafka.brokerIds();
        kafka.stopBroker(ids.getLast()); // not the controller: the cluster keeps its quorum
        long atLoss = acked.get();
        // Writes go on with two brokers left (two in-sync copies are enough).
        await().atMost(Duration.ofSeconds(40)).until(() -> acked.get() > atLoss + 500);
        stop.set(true);
        for (Thread t : threads) {
          t.join(Duration.ofSeconds(30));
        }
        long ok = acked.get();
        long maybe = unanswered.get();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
          long counted = keys.stream().mapToLong(k -> store.read(k).count()).sum();
        System.out.printf("broker loss: acked=%d (%d before the loss) unanswered=%d counted=%d%n", ok, atLoss, maybe, counted);
          return counted >= ok;
        });
        long counted = keys.stream().mapToLong(k -> store.read(k).count()).sum();
        System.out.printf("broker loss: acked=%d (%d before the loss) unanswered=%d counted=%d%n", ok, atLoss, maybe, counted);
        assertTrue(counted >= ok && counted <= ok + maybe,
            "acked " + ok + " ≤ counted " + counted + " ≤ acked + unanswered " + (ok + maybe));
      }
    }
  }
}
