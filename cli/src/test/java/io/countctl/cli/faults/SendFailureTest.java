package io.countctl.cli.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.api.config.AckMode;
import io.countctl.core.config.Settings;
import io.countctl.core.config.Topics;
import io.countctl.core.kafka.TopicProvisioner;
import io.countctl.core.key.CounterKey;
import io.countctl.core.sketch.SketchSettings;
import io.countctl.core.store.CounterStore;
import io.countctl.edge.ingest.Admission;
import io.countctl.edge.ingest.DeltaFlusher;
import io.countctl.edge.ingest.EdgeAggregator;
import io.countctl.edge.ingest.InFlightBatches;
import io.countctl.edge.ingest.WritePath;
import io.countctl.edge.ingest.WriteRequest;
import io.countctl.testkit.KafkaTestCluster;
import io.countctl.testkit.RedisTestServer;
import io.countctl.worker.Worker;
import io.countctl.worker.WorkerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Sends that fail (#15 item 1): the edge's flusher runs on a real producer wrapped so that some
 * sends fail as Kafka would report them. "Lost" sends never reach Kafka (three attempts in a row,
 * so later records of the same partition land first); "ambiguous" ones do land, yet the producer
 * reports an error. A real worker reduces the topic into a real Redis: the count equals exactly
 * what the writers were answered for, neither less (a re-sent record dropped as a duplicate) nor
 * more (a record that landed twice counted twice).
 */
class SendFailureTest {
  @Test
  void recordsKafkaDidNotConfirmAreCountedExactlyOnce() throws Exception {
    String cluster = "sendfail";
    Topics topics = new Topics(cluster);
    try (KafkaTestCluster kafka = KafkaTestCluster.start(); RedisTestServer redis = RedisTestServer.start()) {
      TopicProvisioner.ensureTopics(kafka.bootstrapServers(), topics, 2, (short) 1);
      Settings settings = Settings.of(Map.of(Settings.CLUSTER, cluster, Settings.KAFKA_BOOTSTRAP, kafka.bootstrapServers(),
          Settings.REDIS_URL, redis.url().toString(), Settings.HTTP_PORT, "0", "COUNT_PARTITIONS", "2",
          "COUNT_WORKER_ID", "sendfail-worker", "COUNT_FANOUT", "false"));
      FailingSends faults = new FailingSends();
      try (Worker worker = Worker.start(WorkerConfig.from(settings));
           CounterStore store = new CounterStore(redis.url(), cluster, 4);
           KafkaProducer<byte[], byte[]> real = new KafkaProducer<>(Map.of(
               "bootstrap.servers", kafka.bootstrapServers(), "acks", "all", "enable.idempotence", true,
               "key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer",
               "value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer"))) {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        EdgeAggregator aggregator = new EdgeAggregator();
        DeltaFlusher flusher = new DeltaFlusher(aggregator, new InFlightBatches(0), faults.wrap(real), topics.deltas(),
            "sendfail-edge", 1, Duration.ofMillis(5), Duration.ofSeconds(30), SketchSettings.DEFAULTS, metrics);
        WritePath writes = new WritePath(aggregator, new Admission(aggregator, flusher, 10_000, Duration.ofSeconds(30)),
            AckMode.DURABLE, metrics);
        flusher.start();
        CounterKey key = new CounterKey("post-1", "likes");
        AtomicLong acked = new AtomicLong();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
          writers.add(Thread.ofVirtual().start(() -> {
            for (int i = 0; i < 300; i++) {
              try {
                writes.write(new WriteRequest(key, true, 1, null, null, null)).get(30, TimeUnit.SECONDS);
                acked.incrementAndGet();
              } catch (Exception e) {
                // not answered 200: not counted as acknowledged (none expected: the edge re-sends)
              }
            }
          }));
        }
        for (Thread t : writers) {
          t.join(60_000);
        }
        flusher.close();
        assertTrue(faults.lost.get() >= 3 && faults.ambiguous.get() >= 3,
            "faults injected: lost " + faults.lost + ", ambiguous " + faults.ambiguous);
        assertEquals(1_200, acked.get(), "every write was answered once its record landed");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
            .untilAsserted(() -> assertTrue(store.read(key).state().value() >= acked.get(),
                "counted " + store.read(key).state().value() + " of " + acked + " acknowledged"));
        // Settled: nothing more lands (a record counted twice would show up here).
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
            .untilAsserted(() -> assertEquals(acked.get(), store.read(key).state().value()));
      }
    }
  }

  /** Wraps a real producer: every 25th new record fails, alternately lost (3 attempts) and ambiguous (landed). */
  static final class FailingSends {
    final AtomicInteger sends = new AtomicInteger();
    final AtomicInteger lost = new AtomicInteger();
    final AtomicInteger ambiguous = new AtomicInteger();
    /** Records chosen to fail (by identity: the flusher re-sends the same array) → failures left. */
    final Map<byte[], Integer> failing = Collections.synchronizedMap(new IdentityHashMap<>());

    @SuppressWarnings("unchecked")
    Producer<byte[], byte[]> wrap(Producer<byte[], byte[]> real) {
      return (Producer<byte[], byte[]>) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Producer.class},
          (proxy, method, args) -> {
            if (method.getName().equals("send") && args != null && args.length == 2) {
              return send(real, (ProducerRecord<byte[], byte[]>) args[0], (Callback) args[1]);
            }
            try {
              return method.invoke(real, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }

    private Object send(Producer<byte[], byte[]> real, ProducerRecord<byte[], byte[]> r, Callback callback) {
      byte[] value = r.value();
      Integer left = failing.get(value);
      if (left == null && sends.incrementAndGet() % 25 == 0) {
        boolean lose = (sends.get() / 25) % 2 == 0;
        left = lose ? 3 : -1;
        failing.put(value, left);
      }
      if (left != null && left > 0) { // never taken, as with a full buffer or no metadata
        failing.put(value, left - 1);
        lost.incrementAndGet();
        callback.onCompletion(null, new TimeoutException("injected: the record never reached Kafka"));
        return CompletableFuture.failedFuture(new TimeoutException("injected"));
      }
      if (left != null && left < 0) { // taken by Kafka, yet reported failed
        failing.put(value, 0);
        ambiguous.incrementAndGet();
        return real.send(r, (meta, error) -> callback.onCompletion(null,
            new TimeoutException("injected: landed, but reported failed")));
      }
      return real.send(r, callback);
    }
  }
}
