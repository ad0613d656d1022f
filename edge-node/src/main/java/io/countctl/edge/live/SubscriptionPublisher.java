package io.countctl.edge.live;

import io.countctl.core.kafka.KeyPartitions;
import io.countctl.core.key.CounterKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the workers which counters this edge has watchers for, on {@code <cluster>.subscriptions}.
 * The Kafka key is {@code <counter>|<frontend>} so compaction keeps one record per (counter,
 * frontend) and an unsubscribe is a tombstone; the partition is the one Kafka's default
 * partitioner gives the counter alone, so subscriptions sit with the counter's totals.
 *
 * <p>Ordered by construction: callers only say "this counter's watch state changed"; one thread
 * publishes, for each such counter, the state it has <em>when it is sent</em>, so a quick
 * unsubscribe/subscribe (a page reload) can never land in the wrong order. A failed publish is
 * retried (counted, and reported in readiness meanwhile). Every watched counter is published again
 * each lease period, so a worker that dropped this edge (after failed webhook calls) or lost a
 * record learns it back by itself.
 */
public final class SubscriptionPublisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SubscriptionPublisher.class);
  private static final long RETRY_MS = 500;

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final String frontendUrl;
  private final ScheduledExecutorService sender =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("edge-subscriptions").daemon().factory());
  private final Set<CounterKey> dirty = ConcurrentHashMap.newKeySet();
  private final Set<CounterKey> failing = ConcurrentHashMap.newKeySet();
  private final Counter published;
  private final Counter failures;
  private volatile Predicate<CounterKey> watched = k -> false;
  private volatile Consumer<CounterKey> onUnsubscribed = k -> {};
  private int partitions;

  public SubscriptionPublisher(Producer<byte[], byte[]> producer, String topic, String frontendUrl, MeterRegistry metrics) {
    this.producer = producer;
    this.topic = topic;
    this.frontendUrl = frontendUrl;
    this.published = Counter.builder("count_edge_subscription_records_total")
        .description("subscription records published to the subscriptions topic").register(metrics);
    this.failures = Counter.builder("count_edge_subscription_publish_failures_total")
        .description("subscription records Kafka did not take").register(metrics);
    Gauge.builder("count_edge_subscriptions_unpublished", failing, Set::size)
        .description("subscriptions waiting to be published again after a failure").register(metrics);
  }

  public String frontendUrl() {
    return frontendUrl;
  }

  /**
   * Starts publishing: {@code watched} says whether a counter has watchers now, {@code
   * onUnsubscribed} hears that a counter's removal is in Kafka; {@code all} lists the watched
   * counters, re-published every {@code leaseMs}.
   */
  void start(Predicate<CounterKey> watched, Consumer<CounterKey> onUnsubscribed, Supplier<Collection<CounterKey>> all,
      long leaseMs) {
    this.watched = watched;
    this.onUnsubscribed = onUnsubscribed;
    sender.scheduleWithFixedDelay(() -> changed(all.get()), leaseMs, leaseMs, TimeUnit.MILLISECONDS);
  }

  /** A counter's watch state may have changed: publish its state (soon, in order). */
  void changed(CounterKey key) {
    if (dirty.add(key)) {
      submit(this::drain);
    }
  }

  void changed(Collection<CounterKey> keys) {
    boolean any = false;
    for (CounterKey k : keys) {
      any |= dirty.add(k);
    }
    if (any) {
      submit(this::drain);
    }
  }

  /** Empty when every subscription change is in Kafka, else why not (for /readyz). */
  public String problem() {
    int n = failing.size();
    return n == 0 ? "" : n + " live subscription change(s) not published to Kafka; retrying";
  }

  private void submit(Runnable r) {
    try {
      sender.execute(r);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      // shutting down
    }
  }

  private void drain() {
    Set<CounterKey> batch = new LinkedHashSet<>();
    for (CounterKey k : dirty) {
      if (dirty.remove(k)) {
        batch.add(k);
      }
    }
    for (CounterKey k : batch) {
      send(k, watched.test(k));
    }
  }

  private void send(CounterKey key, boolean subscribe) {
    try {
      if (partitions == 0) {
        partitions = producer.partitionsFor(topic).size(); // blocking metadata: on the sender thread
      }
      byte[] recordKey = (key + "|" + frontendUrl).getBytes(StandardCharsets.UTF_8);
      byte[] value = subscribe
          ? new JsonObject().put("counter", key.toString()).put("frontend", frontendUrl).encode().getBytes(StandardCharsets.UTF_8)
          : null;
      producer.send(new ProducerRecord<>(topic, KeyPartitions.partitionOf(key, partitions), recordKey, value), (m, e) -> {
        if (e != null) {
          failed(key, subscribe, e);
        } else {
          published.increment();
          failing.remove(key);
          if (!subscribe) {
            onUnsubscribed.accept(key);
          }
        }
      });
    } catch (RuntimeException e) {
      failed(key, subscribe, e);
    }
  }

  private void failed(CounterKey key, boolean subscribe, Exception e) {
    failures.increment();
    failing.add(key);
    log.warn("subscription {} for {} not published ({}); retrying", subscribe ? "add" : "removal", key, e.toString());
    try {
      sender.schedule(() -> changed(key), RETRY_MS, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      // shutting down
    }
  }

  /**
   * Hands what is still pending (removals at shutdown) to the producer, then stops; the producer's
   * own close (with its timeout) sends them. No flush here: with Kafka down it would never return.
   */
  @Override
  public void close() {
    submit(this::drain);
    sender.shutdown();
    try {
      sender.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
