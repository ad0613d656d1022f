package io.countctl.worker.fanout;

import io.countctl.core.config.Topics;
import io.countctl.core.key.CounterKey;
import io.countctl.core.store.CounterStore;
import io.countctl.core.totals.TotalChange;
import io.countctl.core.totals.TotalChangeCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's fan-out role (seed 002): one consumer in group {@code <cluster>.fanout} reads
 * {@code <cluster>.totals} and {@code <cluster>.subscriptions}. The two topics have the same
 * partition count and the same key partitioning, and the range assignor gives partition p of both
 * to the same member, so this worker knows every subscription of the counters whose changes it
 * reads. Each poll's changes are sent to each subscribed frontend in one webhook call.
 *
 * <p>No change is lost across rebalances, restarts or a frontend's absence: every subscription
 * new to this worker (each one after an assignment, since the table is rebuilt from the compacted
 * topic, and each one a frontend re-publishes after it was dropped) gets the counter's current
 * value from Redis pushed to its frontend. Totals are read from the end on assignment: anything
 * committed before is in that current value, anything after arrives as a record. Values carry the
 * counter's version, so the overlap is harmless: frontends drop what is not newer.
 */
public final class FanoutLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FanoutLoop.class);
  /** Consecutive webhook failures after which a frontend is considered gone. */
  private static final int MAX_FAILURES = 5;
  private static final long HEARTBEAT_MS = 2_000;

  private final Topics topics;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final CounterStore store;
  private final SubscriptionTable table = new SubscriptionTable();
  private final WebhookCaller webhooks;
  private final DowntimeClient downtime;
  private final Set<String> reported = ConcurrentHashMap.newKeySet();
  /** Totals partitions this member fans out for now (written by the rebalance listener). */
  private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
  private final Map<String, FrontendOutbox> outboxes = new ConcurrentHashMap<>();
  /** Frontends found gone by webhook callbacks, dropped from the table on the fan-out thread. */
  private final Set<String> pendingDrops = ConcurrentHashMap.newKeySet();
  /** New subscriptions whose current value is still to be pushed (fan-out thread only). */
  private final Map<String, Set<CounterKey>> toPush = new HashMap<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile String problem = "";
  private final Counter calls;
  private final Counter failedCalls;
  private final Counter pushed;
  private final Counter dropped;

  public FanoutLoop(String bootstrap, Topics topics, String workerId, CounterStore store, Optional<URI> downtimeUrl,
      String secret, MeterRegistry metrics) {
    this.topics = topics;
    this.store = store;
    this.consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, topics.cluster() + ".fanout",
        ConsumerConfig.CLIENT_ID_CONFIG, workerId + "-fanout",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName(),
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000,
        // A dead fan-out member must hand its partitions over within seconds: watchers wait.
        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000,
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_500),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.webhooks = new WebhookCaller(secret);
    this.downtime = new DowntimeClient(downtimeUrl, workerId, secret);
    this.calls = Counter.builder("count_worker_fanout_webhook_calls_total")
        .description("webhook calls to frontends carrying count changes").register(metrics);
    this.failedCalls = Counter.builder("count_worker_fanout_webhook_failures_total")
        .description("webhook calls to frontends that failed").register(metrics);
    this.pushed = Counter.builder("count_worker_fanout_current_values_pushed_total")
        .description("current values pushed to a frontend that just subscribed").register(metrics);
    this.dropped = Counter.builder("count_worker_fanout_frontends_dropped_total")
        .description("frontends dropped after their webhook kept failing (reported to the downtime handler)").register(metrics);
    Gauge.builder("count_worker_fanout_subscribed_counters", table, SubscriptionTable::size)
        .description("counters with at least one subscribed frontend on this worker").register(metrics);
    this.thread = Thread.ofPlatform().name("fanout").unstarted(this::run);
  }

  public void start() {
    thread.start();
  }

  /** Empty when healthy, else why not (for /readyz; no I/O). */
  public String problem() {
    return thread.isAlive() || !running ? problem : "the fan-out loop stopped";
  }

  private void run() {
    consumer.subscribe(List.of(topics.totals(), topics.subscriptions()), new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> parts) {
        parts.stream().filter(tp -> tp.topic().equals(topics.subscriptions())).forEach(tp -> table.dropPartition(tp.partition()));
        parts.stream().filter(tp -> tp.topic().equals(topics.totals())).forEach(tp -> owned.remove(tp.partition()));
      }

      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> parts) {
        // Rebuild subscriptions from the start of the compacted topic: each one is new to the
        // table, so its current value is pushed; from then on the totals records carry changes.
        List<TopicPartition> subs = parts.stream().filter(tp -> tp.topic().equals(topics.subscriptions())).toList();
        List<TopicPartition> totals = parts.stream().filter(tp -> tp.topic().equals(topics.totals())).toList();
        consumer.seekToBeginning(subs);
        consumer.seekToEnd(totals);
        totals.forEach(tp -> owned.add(tp.partition()));
      }
    });
    long lastHeartbeat = 0;
    try {
      while (running) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
        handle(records);
        if (System.currentTimeMillis() - lastHeartbeat > HEARTBEAT_MS) {
          downtime.heartbeat();
          lastHeartbeat = System.currentTimeMillis();
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("fan-out stopped", e);
      problem = "fan-out stopped: " + e.getMessage();
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void handle(ConsumerRecords<byte[], byte[]> records) {
    for (String gone : List.copyOf(pendingDrops)) {
      table.dropFrontend(gone);
      outboxes.remove(gone);
      toPush.remove(gone);
      reported.remove(gone);
      pendingDrops.remove(gone);
      downtime.cleanup(gone);
    }
    // Subscriptions first, so a change arriving in the same poll already finds its watchers.
    for (ConsumerRecord<byte[], byte[]> r : records.records(topics.subscriptions())) {
      applySubscription(r);
    }
    for (ConsumerRecord<byte[], byte[]> r : records.records(topics.totals())) {
      TotalChange change;
      try {
        change = TotalChangeCodec.decode(new String(r.key(), StandardCharsets.UTF_8), r.value());
      } catch (RuntimeException e) {
        log.warn("skipping unreadable totals record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
        continue;
      }
      for (String frontend : table.frontends(r.partition(), change.key())) {
        outbox(frontend).offer(change);
      }
    }
    pushCurrentValues();
    outboxes.values().forEach(this::pump);
  }

  /** Reads the current value of every newly subscribed or renewed counter and queues it for its frontends. */
  private void pushCurrentValues() {
    if (toPush.isEmpty()) {
      return;
    }
    Set<CounterKey> keys = new java.util.HashSet<>();
    toPush.values().forEach(keys::addAll);
    Map<CounterKey, TotalChange> current = new HashMap<>();
    try {
      store.currentTotals(keys).forEach(c -> current.put(c.key(), c));
      problem = "";
    } catch (RuntimeException e) {
      problem = "cannot read current values from Redis: " + e.getMessage();
      log.warn("cannot read current values of {} new subscription(s) ({}); retrying", keys.size(), e.toString());
      return; // kept in toPush: tried again on the next poll
    }
    toPush.forEach((frontend, counters) -> {
      FrontendOutbox box = outbox(frontend);
      counters.forEach(k -> box.offer(current.get(k)));
      pushed.increment(counters.size());
    });
    toPush.clear();
  }

  private FrontendOutbox outbox(String frontend) {
    return outboxes.computeIfAbsent(frontend, f -> new FrontendOutbox(f, MAX_FAILURES));
  }

  private void pump(FrontendOutbox box) {
    box.pump(changes -> {
      calls.increment();
      return webhooks.send(box.frontend(), changes);
    }, outcome -> {
      if (outcome != FrontendOutbox.Outcome.DELIVERED) {
        failedCalls.increment();
      }
      if (outcome == FrontendOutbox.Outcome.GONE) {
        log.warn("frontend {} failed {} webhook calls in a row: dropping its subscriptions until it subscribes again",
            box.frontend(), MAX_FAILURES);
        dropped.increment();
        pendingDrops.add(box.frontend()); // the table is the fan-out thread's
      }
    });
  }

  private void applySubscription(ConsumerRecord<byte[], byte[]> r) {
    String key = new String(r.key(), StandardCharsets.UTF_8);
    int bar = key.indexOf('|');
    if (bar < 0) {
      return;
    }
    try {
      CounterKey counter = CounterKey.parse(key.substring(0, bar));
      String frontend = key.substring(bar + 1);
      if (r.value() == null) {
        table.unsubscribe(r.partition(), counter, frontend);
        Set<CounterKey> waiting = toPush.get(frontend);
        if (waiting != null) {
          waiting.remove(counter);
        }
      } else {
        String target = new JsonObject(new String(r.value(), StandardCharsets.UTF_8)).getString("frontend", frontend);
        // New or renewed (the edge re-publishes each watched counter every lease): either way the
        // frontend gets the current value, so a change it missed (a lost call, a drop while it
        // was frozen) is healed within one lease, not left until the counter's next change. The
        // edge drops values that are not newer than what it shows; the reads are batched per poll.
        table.subscribe(r.partition(), counter, target);
        toPush.computeIfAbsent(target, f -> new java.util.HashSet<>()).add(counter);
        if (reported.add(target)) {
          downtime.store(target);
        }
      }
    } catch (RuntimeException e) {
      log.warn("skipping unreadable subscription {}: {}", key, e.toString());
    }
  }

  /** Partitions of the totals topic whose watchers this worker serves now. */
  public Set<Integer> ownedPartitions() {
    return Set.copyOf(owned);
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
