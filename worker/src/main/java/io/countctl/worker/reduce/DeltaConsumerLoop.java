package io.countctl.worker.reduce;

import io.countctl.core.config.Topics;
import io.countctl.core.store.CommitResult;
import io.countctl.core.store.CounterStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reducer: a member of consumer group {@code <cluster>.workers} on {@code <cluster>.deltas}.
 * Redis, not Kafka, is the source of truth for what was applied: on assignment it seeks each
 * partition to the offset Redis holds, and every commit moves that offset in the same atomic step
 * as the sums. Kafka offsets are committed too, only so standard lag tools work.
 */
public final class DeltaConsumerLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeltaConsumerLoop.class);

  private final Topics topics;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final CounterStore store;
  private final io.countctl.core.store.SketchStore sketchStore;
  private final UniqueFolder uniqueFolder;
  private final io.countctl.core.sketch.SketchSettings sketchSettings;
  private final Counter staleFolds;
  private final Counter sketchBytes;
  private final TotalsPublisher totals;
  private final DeadLetters deadLetters;
  private final Map<Integer, PartitionState> owned = new ConcurrentHashMap<>();
  /** Kafka's default retention (7 days) and a day of margin. */
  public static final Duration DEFAULT_MARK_RETENTION = Duration.ofDays(8);
  /** A mark's last-seen stamp is rewritten at most this often per edge and partition. */
  private static final long STAMP_EVERY_MS = Duration.ofMinutes(10).toMillis();
  private final io.countctl.core.store.MarkAges markAges;
  private final Duration markRetention;
  private final Counter marksPruned;
  /** Partition → edge → when this worker last stamped the edge's mark there (ms). */
  private final Map<Integer, Map<String, Long>> stamped = new ConcurrentHashMap<>();
  /** Partitions refused because Redis has no offset while the log no longer starts at 0: why, per partition. */
  private final Map<Integer, String> logGaps = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean crashed;
  private volatile long lastSuccessNanos = System.nanoTime();
  private volatile String problem = "";
  private static final long RETRY_NANOS = 1_000_000_000L;
  private long lastRetryNanos = System.nanoTime();

  private final Counter batchesApplied;
  private final Counter duplicates;
  private final Counter dlq;
  private final Counter fenced;
  private final Timer commitLatency;
  private static final long LAG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
  private final AtomicLong lagRecords = new AtomicLong();
  private long lastLagNanos;

  public DeltaConsumerLoop(String bootstrap, String workerId, Topics topics, int maxPollRecords, CounterStore store,
      org.apache.kafka.clients.producer.Producer<byte[], byte[]> producer, MeterRegistry metrics) {
    this(bootstrap, workerId, topics, maxPollRecords, store, producer, metrics, io.countctl.core.sketch.SketchSettings.DEFAULTS);
  }

  public DeltaConsumerLoop(String bootstrap, String workerId, Topics topics, int maxPollRecords, CounterStore store,
      org.apache.kafka.clients.producer.Producer<byte[], byte[]> producer, MeterRegistry metrics,
      io.countctl.core.sketch.SketchSettings sketchSettings) {
    this(bootstrap, workerId, topics, maxPollRecords, store, producer, metrics, sketchSettings, DEFAULT_MARK_RETENTION);
  }

  /** @param markRetention how long an edge's mark outlives its last applied batch (see {@link #pruneMarks}) */
  public DeltaConsumerLoop(String bootstrap, String workerId, Topics topics, int maxPollRecords, CounterStore store,
      org.apache.kafka.clients.producer.Producer<byte[], byte[]> producer, MeterRegistry metrics,
      io.countctl.core.sketch.SketchSettings sketchSettings, Duration markRetention) {
    this.markAges = new io.countctl.core.store.MarkAges(store);
    this.markRetention = markRetention;
    this.marksPruned = Counter.builder("count_worker_marks_pruned_total")
        .description("per-edge sequence marks pruned after their retention").register(metrics);
    this.topics = topics;
    this.store = store;
    this.sketchStore = new io.countctl.core.store.SketchStore(store);
    this.uniqueFolder = new UniqueFolder(sketchStore, sketchSettings, metrics);
    this.sketchSettings = sketchSettings;
    this.staleFolds = Counter.builder("count_worker_stale_sketch_folds_total")
        .description("sketch folds skipped because a newer fold had already been applied").register(metrics);
    this.sketchBytes = Counter.builder("count_worker_sketch_written")
        .description("bytes of sketches written to Redis").baseUnit("bytes").register(metrics);
    this.totals = new TotalsPublisher(producer, topics.totals(), metrics);
    this.deadLetters = new DeadLetters(producer, topics.deltasDlq());
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, topics.cluster() + ".workers");
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, workerId + "-reduce");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
    config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000); // a dead worker's partitions move within seconds
    config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
    this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.batchesApplied = Counter.builder("count_worker_batches_applied_total")
        .description("flushed batches applied to Redis exactly once").register(metrics);
    this.duplicates = Counter.builder("count_worker_duplicate_batches_total")
        .description("flushed batches skipped because Redis had already applied them").register(metrics);
    this.dlq = Counter.builder("count_worker_dead_letters_total")
        .description("flush records that could not be applied (undecodable, or a counter would pass 2^63-1), sent to the dead-letter topic").register(metrics);
    this.fenced = Counter.builder("count_worker_fenced_commits_total")
        .description("commits refused because another worker took the partition over").register(metrics);
    this.commitLatency = io.countctl.core.ops.LatencyHistogram.timer("count_worker_commit_seconds",
        "time to commit one reduced chunk (sums, offset and marks) to Redis").register(metrics);
    io.micrometer.core.instrument.Gauge.builder("count_worker_lag_records", lagRecords, AtomicLong::get)
        .description("records of the deltas topic not yet read on the partitions this worker owns").register(metrics);
    io.micrometer.core.instrument.Gauge.builder("count_worker_owned_partitions", owned, Map::size)
        .description("partitions of the deltas topic this worker owns").register(metrics);
    io.micrometer.core.instrument.Gauge.builder("count_worker_log_gap_partitions", logGaps, Map::size)
        .description("partitions not applied: Redis lost their offset and retention already deleted records")
        .register(metrics);
    this.thread = Thread.ofPlatform().name("delta-consumer").unstarted(this::run);
  }

  public void start() {
    thread.start();
  }

  /** Empty when healthy, else why not (for /readyz; no I/O). */
  public String problem() {
    if (!thread.isAlive()) {
      return "the consumer loop stopped";
    }
    if (!logGaps.isEmpty()) {
      return String.join("; ", new java.util.TreeMap<>(logGaps).values());
    }
    return problem.isEmpty() ? totals.problem() : problem;
  }

  public Set<Integer> ownedPartitions() {
    return Set.copyOf(owned.keySet());
  }

  /**
   * Records not yet read on the partitions this worker owns, from what the consumer last fetched
   * (no call to Kafka). Read here because the consumer is not thread-safe; the gauge reads the sum.
   */
  private void measureLag() {
    long now = System.nanoTime();
    if (now - lastLagNanos < LAG_EVERY_NANOS) {
      return;
    }
    lastLagNanos = now;
    long sum = 0;
    for (TopicPartition tp : consumer.assignment()) {
      sum += consumer.currentLag(tp).orElse(0);
    }
    lagRecords.set(sum);
  }

  private void run() {
    consumer.subscribe(List.of(topics.deltas()), new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> parts) {
        parts.forEach(tp -> owned.remove(tp.partition()));
        parts.forEach(tp -> logGaps.remove(tp.partition())); // the next owner checks again
      }

      @Override
      public void onPartitionsLost(Collection<TopicPartition> parts) {
        parts.forEach(tp -> owned.remove(tp.partition()));
        parts.forEach(tp -> logGaps.remove(tp.partition()));
      }

      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> parts) {
        parts.forEach(tp -> resume(tp));
      }
    });
    try {
      while (running) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
        uniqueFolder.tick();
        measureLag();
        if (System.nanoTime() - lastRetryNanos > RETRY_NANOS) {
          totals.retryFailed();
          lastRetryNanos = System.nanoTime();
        }
        for (TopicPartition tp : records.partitions()) {
          if (!running) {
            return; // a crash must not apply anything more
          }
          PartitionState state = owned.get(tp.partition());
          if (state != null) {
            apply(tp, state, records.records(tp));
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("consumer loop stopped", e);
      problem = "consumer loop stopped: " + e.getMessage();
    } finally {
      consumer.close(crashed ? Duration.ZERO : Duration.ofSeconds(5));
    }
  }

  /**
   * Loads what Redis says was applied and seeks there: the exactly-once resume point. With no
   * offset in Redis the partition starts from the beginning of the log, which is only the whole
   * history while the log still starts at offset 0: past that, retention has deleted records that
   * Redis no longer counts (it lost its data), and applying the rest would silently undercount.
   * Such a partition is refused (paused, reported on /readyz, in a metric and the log) until an
   * operator restores Redis or accepts the loss; see docs/guarantees.md.
   */
  private void resume(TopicPartition tp) {
    while (running) {
      try {
        PartitionState state = new PartitionState(tp.partition(), store.appliedOffset(tp.partition()), store.highWaterMarks(tp.partition()));
        if (state.nextOffset.isEmpty()) {
          long earliest = consumer.beginningOffsets(List.of(tp)).getOrDefault(tp, 0L);
          if (earliest > 0) {
            refuseLogGap(tp, earliest);
            return;
          }
        }
        pruneMarks(tp.partition(), state.marks);
        logGaps.remove(tp.partition());
        consumer.resume(List.of(tp));
        owned.put(tp.partition(), state);
        if (state.nextOffset.isPresent()) {
          consumer.seek(tp, state.nextOffset.getAsLong());
        } else {
          consumer.seekToBeginning(List.of(tp));
        }
        return;
      } catch (org.apache.kafka.common.KafkaException e) {
        problem = "cannot read the start of " + tp + " from Kafka: " + e.getMessage();
        log.warn("cannot read the earliest offset of {} ({}); retrying", tp, e.toString());
        pause();
      } catch (RuntimeException e) {
        problem = "Redis unreachable: " + e.getMessage();
        log.warn("cannot load partition {} state from Redis ({}); retrying", tp.partition(), e.toString());
        pause();
      }
    }
  }

  /**
   * Drops the marks of edges that had no batch applied on this partition for longer than
   * {@code markRetention}, so dead pods' names are not reloaded forever. Dedup stays intact: the
   * partition is only ever read from its stored offset on, so a mark guards only against copies
   * of an edge's batches written after that (its producer's retries and re-sends, made while the
   * edge runs); an edge silent for longer than the log's retention has none left in the log.
   * Marks never stamped (written before stamps existed) are stamped now, not dropped.
   */
  private void pruneMarks(int partition, Map<String, io.countctl.core.batch.EdgeMark> marks) {
    long now = System.currentTimeMillis();
    Map<String, Long> seen = markAges.seen(partition);
    List<String> gone = new java.util.ArrayList<>();
    Map<String, Long> unstamped = new HashMap<>();
    Map<String, Long> mine = new ConcurrentHashMap<>();
    for (String edge : marks.keySet()) {
      Long at = seen.get(edge);
      if (at == null) {
        unstamped.put(edge, now);
        mine.put(edge, now);
      } else if (now - at > markRetention.toMillis()) {
        gone.add(edge);
      } else {
        mine.put(edge, at);
      }
    }
    markAges.stamp(partition, unstamped);
    markAges.forget(partition, gone);
    gone.forEach(marks::remove);
    stamped.put(partition, mine);
    if (!gone.isEmpty()) {
      marksPruned.increment(gone.size());
      log.info("partition {}: dropped the high-water marks of {} edge(s) silent for more than {} h", partition,
          gone.size(), markRetention.toHours());
    }
  }

  /** Stamps the marks a commit moved, at most every {@link #STAMP_EVERY_MS} per edge; best effort. */
  private void stampMarks(int partition, java.util.Set<String> edges) {
    long now = System.currentTimeMillis();
    Map<String, Long> mine = stamped.computeIfAbsent(partition, p -> new ConcurrentHashMap<>());
    Map<String, Long> due = new HashMap<>();
    for (String edge : edges) {
      Long at = mine.get(edge);
      if (at == null || now - at >= STAMP_EVERY_MS) {
        due.put(edge, now);
      }
    }
    if (due.isEmpty()) {
      return;
    }
    try {
      markAges.stamp(partition, due);
      mine.putAll(due);
    } catch (RuntimeException e) {
      log.debug("could not stamp marks of partition {} ({}); retried with the next commit", partition, e.toString());
    }
  }

  private void refuseLogGap(TopicPartition tp, long earliest) {
    consumer.pause(List.of(tp)); // fetch nothing: nothing of it may be applied
    owned.remove(tp.partition());
    String key = store.keys().offsets();
    logGaps.put(tp.partition(), "partition " + tp.partition() + " refused: Redis has no applied offset but "
        + tp.topic() + " starts at offset " + earliest + " (retention deleted records Redis no longer counts)");
    log.error("partition {} of {} NOT APPLIED: Redis holds no applied offset for it (its data was lost or replaced)"
        + " while the log now starts at offset {}, so records before it are gone and replaying the rest would silently"
        + " undercount. Recover by (1) restoring Redis from its backup or append-only file and restarting the workers,"
        + " or (2) accepting the loss: HSET '{}' {} {} for each refused partition (counts then miss what retention"
        + " deleted) and restarting the workers. See docs/guarantees.md.",
        tp.partition(), tp.topic(), earliest, key, tp.partition(), earliest);
  }

  private void apply(TopicPartition tp, PartitionState state, List<ConsumerRecord<byte[], byte[]>> records) {
    Set<Long> skip = new HashSet<>();
    Map<Long, String> reasons = new HashMap<>();
    // Replays of dead letters only (countctl dlq replay): which Redis applied before, one read;
    // ordinary chunks carry none and read nothing.
    Set<String> replayed = new HashSet<>();
    Set<Long> lettered = new HashSet<>();
    Set<String> replays = ReplayedRecords.identities(records);
    while (running && !replays.isEmpty()) {
      try {
        replayed.addAll(store.replayedAlready(replays));
        break;
      } catch (RuntimeException e) {
        problem = "Redis unreachable: " + e.getMessage();
        log.warn("cannot read the replayed dead letters of partition {} ({}); retrying", tp.partition(), e.toString());
        pause();
      }
    }
    while (running) {
      PartitionReducer.Chunk chunk = PartitionReducer.reduce(state, records, skip, reasons, replayed, sketchSettings);
      if (chunk.commit() == null) {
        return;
      }
      CommitResult result;
      List<io.countctl.core.store.SketchWrite> written = List.of();
      try {
        List<PartitionReducer.Poison> unsent = chunk.poison().stream().filter(p -> !lettered.contains(p.record().offset())).toList();
        if (!unsent.isEmpty()) {
          deadLetters.send(unsent); // in Kafka before the commit moves past them
          unsent.forEach(p -> lettered.add(p.record().offset())); // a retry of the chunk does not send them twice
        }
        long start = System.nanoTime();
        io.countctl.core.store.PartitionCommit commit = chunk.commit();
        if (!chunk.sketches().isEmpty()) {
          // Read the partition's sketches, add the chunk's, write them back in the same script.
          var base = sketchStore.foldBase(commit.partition(), chunk.sketches().keysToRead(store.keys()),
              chunk.sketches().tokensToCheck());
          commit = chunk.sketches().fold(commit, base, store.keys());
        }
        result = store.apply(commit);
        written = commit.sketches();
        if (result instanceof CommitResult.Applied) {
          for (var w : commit.sketches()) {
            sketchBytes.increment(w.value().length);
          }
        }
        commitLatency.record(Duration.ofNanos(System.nanoTime() - start));
        lastSuccessNanos = System.nanoTime();
        problem = "";
      } catch (RuntimeException e) {
        problem = "cannot commit to Redis: " + e.getMessage();
        log.warn("commit of partition {} failed ({}); retrying", tp.partition(), e.toString());
        pause();
        continue; // the offset check makes a retry safe
      }
      switch (result) {
        case CommitResult.Applied applied -> {
          state.nextOffset = java.util.OptionalLong.of(chunk.commit().nextOffset());
          state.marks.putAll(chunk.commit().marks());
          stampMarks(tp.partition(), chunk.commit().marks().keySet());
          batchesApplied.increment(chunk.batches().size());
          duplicates.increment(chunk.duplicates() + applied.duplicateTokens());
          dlq.increment(chunk.poison().size());
          totals.publish(applied.totals());
          uniqueFolder.afterCommit(written);
          consumer.commitAsync(Map.of(tp, new OffsetAndMetadata(chunk.commit().nextOffset())), null);
          return;
        }
        case CommitResult.Fenced f -> {
          fenced.increment();
          if (f.storedOffset().isPresent() && f.storedOffset().getAsLong() == chunk.commit().nextOffset()) {
            // Our own earlier attempt landed (its reply was lost): the chunk is applied. Its totals
            // records were not sent: publish the counters' current states instead.
            state.nextOffset = f.storedOffset();
            state.marks.putAll(chunk.commit().marks());
            publishCurrent(chunk.commit());
            return;
          }
          log.warn("partition {}: Redis holds offset {} where {} was expected; another worker applied — resuming from Redis",
              tp.partition(), f.storedOffset(), chunk.commit().expectedOffset());
          resume(tp);
          return;
        }
        case CommitResult.Replayed again -> {
          replayed.add(again.replay()); // applied meanwhile (a copy on another partition): leave it out
        }
        case CommitResult.Stale stale -> {
          staleFolds.increment(); // a keyed write's token changed under the fold: fold again
        }
        case CommitResult.Overflow o -> {
          // Leave out the batches that touch the counter, dead-letter them, apply the rest.
          for (ConsumerRecord<byte[], byte[]> r : records) {
            if (touches(r, o.key())) {
              skip.add(r.offset());
              reasons.put(r.offset(), "overflow: " + o.key() + " would pass 2^63-1");
            }
          }
        }
      }
    }
  }

  private void publishCurrent(io.countctl.core.store.PartitionCommit commit) {
    Set<io.countctl.core.key.CounterKey> touched = new HashSet<>(commit.deltas().keySet());
    commit.keyed().forEach(k -> touched.add(k.key()));
    try {
      totals.publish(store.currentTotals(touched));
    } catch (RuntimeException e) {
      log.warn("partition {}: could not read totals to publish after a retried commit: {}", commit.partition(), e.toString());
    }
  }

  private static boolean touches(ConsumerRecord<byte[], byte[]> r, io.countctl.core.key.CounterKey key) {
    try {
      var b = io.countctl.core.batch.DeltaBatchCodec.decode(r.value());
      return b.deltas().stream().anyMatch(d -> d.key().equals(key)) || b.keyed().stream().anyMatch(d -> d.key().equals(key));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private void pause() {
    try {
      Thread.sleep(500); // retry backoff while Redis is unreachable
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** Stops at once without applying or committing anything more, as a killed process would. */
  public void crash() {
    crashed = true;
    running = false;
    consumer.wakeup();
    join();
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    join();
  }

  private void join() {
    try {
      thread.join(15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
