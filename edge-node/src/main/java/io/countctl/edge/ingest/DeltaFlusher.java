package io.countctl.edge.ingest;

import io.countctl.core.batch.BatchId;
import io.countctl.core.batch.Delta;
import io.countctl.core.batch.DeltaBatch;
import io.countctl.core.batch.DeltaBatchCodec;
import io.countctl.core.batch.KeyedDelta;
import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;
import io.countctl.core.sketch.SketchAccumulator;
import io.countctl.core.sketch.SketchDelta;
import io.countctl.core.sketch.SketchSettings;
import io.countctl.core.ops.LatencyHistogram;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every flush interval, takes the edge's table and sends it to {@code <cluster>.deltas} as one
 * batch record (more only when it would exceed the record size limit). Records go round-robin
 * over the partitions, so one hot counter never loads one partition (seed 000's hot key trap).
 *
 * <p>The flusher picks each record's partition itself and numbers records per partition: a record
 * Kafka did not confirm is sent again, unchanged, to the same partition. So whether the first
 * attempt was lost or did land (an ambiguous failure), the partition's reducer sees the same
 * (epoch, sequence) there and counts it once, even after later records of that partition
 * ({@link io.countctl.core.batch.EdgeMark}).
 *
 * <p>Runs on its own thread: {@code send} may block while Kafka is unreachable, and the event
 * loops must never wait for it. It is also the one owner of the sketch accumulator: a flush folds
 * its generation's sketched writes into one {@code SketchDelta} per counter, carried in the same
 * flush's records.
 */
public final class DeltaFlusher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeltaFlusher.class);
  /** Keeps each record well under Kafka's default 1 MB message limit. */
  private static final int MAX_RECORD_BYTES = 900_000;
  /** Keyed writes per record at most (records are also cut by size). */
  private static final int MAX_KEYED_PER_RECORD = 500;
  /** Bytes a record spends on other things than its entries (header, ids, name table slack). */
  private static final int RECORD_OVERHEAD = 2_048;

  private final EdgeAggregator aggregator;
  private final InFlightBatches inFlight;
  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final String edgeId;
  private final long epoch;
  private final Duration interval;
  private final long writeTimeoutNanos;
  /** Generations whose writers may still be waiting, oldest first (flusher thread only). */
  private final java.util.ArrayDeque<FlushGeneration> waiting = new java.util.ArrayDeque<>();
  /** Next sequence number per partition (flusher thread only). */
  private final Map<Integer, Long> seqs = new HashMap<>();
  /** Round-robin position and the partition count, refreshed from the producer's metadata (flusher thread only). */
  private int nextPartition;
  private int partitions;
  private long partitionsCheckedNanos;
  /** Odd while a drain moves deltas from the table to {@link #inFlight}: readers retry. */
  private final AtomicLong moving = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;
  private CompletableFuture<Void> previousDurable = CompletableFuture.completedFuture(null);
  /** Records Kafka did not confirm, sent again, unchanged and to the same partition, before new ones. */
  private final java.util.concurrent.ConcurrentLinkedQueue<Resend> resends = new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** A record to send again with its original partition and bytes (same batch id), and who waits for it. */
  private record Resend(FlushedBatch batch, int partition, byte[] value, long operations, int counters,
      CompletableFuture<Void> acked) {}

  /** Records sent and not yet acknowledged, and when Kafka last made progress on them. */
  private final AtomicLong unackedRecords = new AtomicLong();
  private volatile long lastProgressNanos = System.nanoTime();
  /** When sends started failing outright (Kafka unreachable before anything was sent), or 0. */
  private volatile long failingSinceNanos;

  private final Counter records;
  private final Counter operations;
  private final DistributionSummary countersPerRecord;
  private final Timer ackLatency;
  /** From a flush's start to its generation durable (its own acks and every earlier flush's): what a durable writer waits beyond the interval. */
  private final Timer durableLatency;
  private final Counter resent;
  private final Counter sketchBytes;
  /** Folds a flush's sketched writes (flusher thread only). */
  private final SketchAccumulator sketches;

  public DeltaFlusher(EdgeAggregator aggregator, InFlightBatches inFlight, Producer<byte[], byte[]> producer,
      String topic, String edgeId, long epoch, Duration interval, Duration writeTimeout, SketchSettings sketchSettings,
      MeterRegistry metrics) {
    this.sketches = new SketchAccumulator(sketchSettings);
    this.writeTimeoutNanos = writeTimeout.toNanos();
    this.aggregator = aggregator;
    this.inFlight = inFlight;
    this.producer = producer;
    this.topic = topic;
    this.edgeId = edgeId;
    this.epoch = epoch;
    this.interval = interval;
    this.records = Counter.builder("count_edge_flush_records_total")
        .description("flush records Kafka acknowledged").register(metrics);
    this.operations = Counter.builder("count_edge_flushed_operations_total")
        .description("write operations carried by acknowledged flush records").register(metrics);
    this.countersPerRecord = DistributionSummary.builder("count_edge_flush_counters_per_record")
        .description("counters carried by one acknowledged flush record").register(metrics);
    this.ackLatency = LatencyHistogram.timer("count_edge_flush_ack_seconds",
        "time from handing a flush record to the producer to Kafka acknowledging it").register(metrics);
    this.durableLatency = LatencyHistogram.timer("count_edge_flush_durable_seconds",
        "time from a flush starting to it and every earlier flush being acknowledged (a durable write waits this long at most)").register(metrics);
    this.resent = Counter.builder("count_edge_flush_resent_total")
        .description("flush records Kafka did not take (unreachable or an error), queued to be sent again").register(metrics);
    this.sketchBytes = Counter.builder("count_edge_flushed_sketch")
        .description("bytes of unique and top-K sketches carried by flush records").baseUnit("bytes").register(metrics);
    this.thread = Thread.ofPlatform().name("delta-flusher").daemon(true).unstarted(this::run);
  }

  public void start() {
    thread.start();
  }

  private void run() {
    long next = System.nanoTime();
    while (running) {
      next += interval.toNanos();
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      } else {
        next = System.nanoTime(); // fell behind (Kafka slow): don't burst to catch up
      }
      try {
        flushOnce();
        expireOverdue();
      } catch (RuntimeException e) {
        log.error("flush failed; its deltas stay pending", e);
      }
    }
  }

  /** One flush: resend what failed, drain, send, and chain the generation's durability on its acknowledgements. */
  void flushOnce() {
    long startedNanos = System.nanoTime();
    for (int n = resends.size(); n > 0; n--) {
      Resend r = resends.poll();
      if (r != null) {
        transmit(r);
      }
    }
    FlushGeneration sealed = aggregator.seal();
    moving.incrementAndGet();
    EdgeAggregator.Drained drained;
    List<FlushedBatch> batches = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>(); // estimated encoded bytes of each batch so far
    try {
      drained = aggregator.drain(sealed);
      for (Chunk<Map<CounterKey, PnCounter>> chunk : chunks(drained.deltas())) {
        FlushedBatch b = new FlushedBatch(chunk.entries(), List.of());
        inFlight.add(b);
        batches.add(b);
        sizes.add(chunk.bytes());
      }
      for (Chunk<List<KeyedWrite>> chunk : keyedChunks(drained.keyed())) {
        FlushedBatch b = new FlushedBatch(Map.of(), chunk.entries());
        inFlight.add(b);
        batches.add(b);
        sizes.add(chunk.bytes());
      }
    } finally {
      moving.incrementAndGet();
    }
    // Folded after the move, so reads never wait for it; the sketches ride in this flush's own
    // records (they are in no read view), each exactly once: a resend sends the same bytes.
    attachSketches(fold(drained.sketched()), batches, sizes);
    FlushGeneration gen = drained.generation();
    if (batches.isEmpty() && resends.isEmpty() && failingSinceNanos != 0) {
      probeKafka(); // nothing to send, so no acknowledgement would ever clear the failure
    }
    List<CompletableFuture<Void>> acks = new ArrayList<>(batches.size());
    for (FlushedBatch b : batches) {
      acks.add(send(b));
    }
    CompletableFuture<Void> own = CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
    // Durable once this flush and every earlier one are acknowledged, in order.
    CompletableFuture<Void> durable = CompletableFuture.allOf(previousDurable, own);
    durable.whenComplete((v, e) -> {
      durableLatency.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
      gen.durable().complete(null);
    });
    previousDurable = durable;
    waiting.add(gen);
  }

  /** Answers 503 to writers whose flush Kafka has not acknowledged within the write timeout. */
  private void expireOverdue() {
    while (!waiting.isEmpty() && waiting.peek().answer().isDone()) {
      waiting.poll();
    }
    for (FlushGeneration g : waiting) {
      if (g.ageNanos() > writeTimeoutNanos) {
        g.expire();
      }
    }
  }

  /** Asks Kafka for the topic's metadata; an answer means it is reachable again. */
  private void probeKafka() {
    try {
      producer.partitionsFor(topic); // blocks up to max.block.ms: we are on the flusher thread
      failingSinceNanos = 0;
      lastProgressNanos = System.nanoTime();
    } catch (RuntimeException e) {
      log.debug("Kafka still unreachable: {}", e.toString()); // writes keep getting 503
    }
  }

  private CompletableFuture<Void> send(FlushedBatch b) {
    List<Delta> list = new ArrayList<>(b.deltas.size());
    b.deltas.forEach((k, d) -> list.add(new Delta(k, d)));
    int partition = pickPartition();
    long seq = seqs.merge(partition, 1L, Long::sum) - 1;
    DeltaBatch batch = new DeltaBatch(new BatchId(edgeId, epoch, seq), System.currentTimeMillis(), list,
        b.keyed, b.sketches);
    for (SketchDelta d : b.sketches) {
      sketchBytes.increment(d.bytes());
    }
    CompletableFuture<Void> acked = new CompletableFuture<>();
    transmit(new Resend(b, partition, DeltaBatchCodec.encode(batch), batch.operations(), list.size() + b.keyed.size(), acked));
    return acked;
  }

  /** The next partition round-robin; the count is the producer's (cached) metadata, looked at once a second. */
  private int pickPartition() {
    long now = System.nanoTime();
    if (partitionsCheckedNanos == 0 || now - partitionsCheckedNanos > 1_000_000_000L) { // at most once a second: may block
      partitionsCheckedNanos = now;
      try {
        partitions = Math.max(partitions, producer.partitionsFor(topic).size()); // partitions are never removed
      } catch (RuntimeException e) {
        log.debug("partitions of {} unknown ({}); keeping {}", topic, e.toString(), partitions);
      }
    }
    return Math.floorMod(nextPartition++, Math.max(1, partitions)); // unknown: partition 0 always exists
  }

  /**
   * Hands a record to the producer. A record Kafka did not confirm (unreachable: metadata or
   * buffer timeout, or any error from the producer) is queued to be sent again unchanged to the
   * same partition; its writers keep waiting, and reads keep counting it, meanwhile.
   */
  private void transmit(Resend r) {
    long sentAt = System.nanoTime();
    if (unackedRecords.getAndIncrement() == 0) {
      lastProgressNanos = sentAt;
    }
    try {
      producer.send(new ProducerRecord<>(topic, r.partition(), null, r.value()), (meta, error) -> {
        unackedRecords.decrementAndGet();
        if (error == null) {
          r.batch().acknowledged(meta.partition(), meta.offset());
          ackLatency.record(System.nanoTime() - sentAt, TimeUnit.NANOSECONDS);
          records.increment();
          operations.increment(r.operations());
          countersPerRecord.record(r.counters());
          lastProgressNanos = System.nanoTime();
          failingSinceNanos = 0;
          r.acked().complete(null);
        } else {
          // Mostly the record never reached Kafka (the delivery timeout is unbounded), but even if
          // it did, the same bytes on the same partition count once: the reducer knows its number.
          failed(r, sentAt, error);
        }
      });
    } catch (RuntimeException e) { // metadata or buffer timeout: nothing was sent
      unackedRecords.decrementAndGet();
      failed(r, sentAt, e);
    }
  }

  private void failed(Resend r, long sentAt, Throwable error) {
    if (failingSinceNanos == 0) {
      failingSinceNanos = sentAt;
    }
    resent.increment();
    log.warn("Kafka did not take a flush record ({}); sending it again with the next flush", error.toString());
    resends.add(r);
  }

  /** Entries of one record and their estimated encoded size. */
  private record Chunk<T>(T entries, int bytes) {}

  private static List<Chunk<Map<CounterKey, PnCounter>>> chunks(Map<CounterKey, PnCounter> deltas) {
    List<Chunk<Map<CounterKey, PnCounter>>> out = new ArrayList<>();
    Map<CounterKey, PnCounter> chunk = new HashMap<>();
    int bytes = RECORD_OVERHEAD;
    for (Map.Entry<CounterKey, PnCounter> e : deltas.entrySet()) {
      int size = 4 * (e.getKey().id().length() + e.getKey().counter().length()) + 24;
      if (bytes + size > MAX_RECORD_BYTES && !chunk.isEmpty()) {
        out.add(new Chunk<>(chunk, bytes));
        chunk = new HashMap<>();
        bytes = RECORD_OVERHEAD;
      }
      chunk.put(e.getKey(), e.getValue());
      bytes += size;
    }
    if (!chunk.isEmpty()) {
      out.add(new Chunk<>(chunk, bytes));
    }
    return out;
  }

  private static List<Chunk<List<KeyedWrite>>> keyedChunks(List<KeyedWrite> keyed) {
    List<Chunk<List<KeyedWrite>>> out = new ArrayList<>();
    int from = 0;
    int bytes = RECORD_OVERHEAD;
    for (int i = 0; i < keyed.size(); i++) {
      KeyedDelta k = keyed.get(i).delta();
      int size = 4 * (k.token().length() + k.key().id().length() + k.key().counter().length()
          + (k.user() == null ? 0 : k.user().length()) + (k.item() == null ? 0 : k.item().length())) + 32;
      if (i > from && (bytes + size > MAX_RECORD_BYTES || i - from >= MAX_KEYED_PER_RECORD)) {
        out.add(new Chunk<>(keyed.subList(from, i), bytes));
        from = i;
        bytes = RECORD_OVERHEAD;
      }
      bytes += size;
    }
    if (from < keyed.size()) {
      out.add(new Chunk<>(keyed.subList(from, keyed.size()), bytes));
    }
    return out;
  }

  /** One sketch delta per counter from the flush's sketched writes. */
  private List<SketchDelta> fold(List<SketchedWrite> writes) {
    if (writes.isEmpty()) {
      return List.of();
    }
    try {
      for (SketchedWrite w : writes) {
        sketches.add(w.key(), w.user(), w.item(), w.weight());
      }
      return sketches.drain();
    } catch (RuntimeException e) {
      // Never lose the flush's counts over a sketch: drop this flush's sketches instead.
      log.error("folding {} sketched writes failed; their sketches are dropped, their counts are not", writes.size(), e);
      sketches.drain();
      return List.of();
    }
  }

  /**
   * Puts each sketch delta into the first of the flush's records with room for it, or into a new
   * record. A delta too large for one record travels as its parts (unique, top users, top items),
   * each of which fits: sums and unions of parts are the same as of the whole.
   */
  private static void attachSketches(List<SketchDelta> deltas, List<FlushedBatch> batches, List<Integer> sizes) {
    for (SketchDelta whole : deltas) {
      for (SketchDelta d : fitting(whole)) {
        int size = d.bytes() + 4 * (d.key().id().length() + d.key().counter().length()) + 32;
        int slot = -1;
        for (int i = 0; i < batches.size() && slot < 0; i++) {
          if (sizes.get(i) + size <= MAX_RECORD_BYTES) {
            slot = i;
          }
        }
        if (slot < 0) {
          batches.add(new FlushedBatch(Map.of(), List.of())); // no read view: not in inFlight
          sizes.add(RECORD_OVERHEAD);
          slot = batches.size() - 1;
        }
        batches.get(slot).sketches.add(d);
        sizes.set(slot, sizes.get(slot) + size);
      }
    }
  }

  private static List<SketchDelta> fitting(SketchDelta d) {
    if (d.bytes() + RECORD_OVERHEAD <= MAX_RECORD_BYTES) {
      return List.of(d);
    }
    List<SketchDelta> parts = new ArrayList<>(3);
    if (d.unique() != null) {
      parts.add(new SketchDelta(d.key(), d.unique(), null, null));
    }
    if (d.topUsers() != null) {
      parts.add(new SketchDelta(d.key(), null, d.topUsers(), null));
    }
    if (d.topItems() != null) {
      parts.add(new SketchDelta(d.key(), null, null, d.topItems()));
    }
    return parts;
  }

  /** A drain's move counter: even and unchanged across a read means the read saw no move. */
  public long moveVersion() {
    return moving.get();
  }

  /**
   * How long records have been waiting for Kafka without any acknowledgement arriving; zero when
   * nothing waits. Long means Kafka is unreachable.
   */
  public Duration stalledFor() {
    long now = System.nanoTime();
    long waiting = unackedRecords.get() == 0 ? 0 : now - lastProgressNanos;
    long failing = failingSinceNanos == 0 ? 0 : now - failingSinceNanos;
    return Duration.ofNanos(Math.max(waiting, failing));
  }

  /** Stops the timer, flushes what is pending and waits (bounded) for Kafka to acknowledge it. */
  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(5_000);
      flushOnce();
      previousDurable.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("final flush not acknowledged: {}", e.toString());
    }
  }
}
