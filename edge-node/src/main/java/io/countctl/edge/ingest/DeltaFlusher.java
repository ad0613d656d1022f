package io.countctl.edge.ingest;

import io.countctl.core.batch.BatchId;
import io.countctl.core.batch.Delta;
import io.countctl.core.batch.DeltaBatch;
import io.countctl.core.batch.DeltaBatchCodec;
import io.countctl.core.batch.KeyedDelta;
import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;
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
 * batch record (more only when it would exceed the record size limit). The producer's
 * round-robin partitioner spreads records over partitions, so one hot counter never loads one
 * partition (seed 000's hot key trap).
 *
 * <p>Runs on its own thread: {@code send} may block while Kafka is unreachable, and the event
 * loops must never wait for it.
 */
public final class DeltaFlusher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeltaFlusher.class);
  /** Keeps each record well under Kafka's default 1 MB message limit. */
  private static final int MAX_RECORD_BYTES = 900_000;
  /** Keyed writes per record: a token and a key of at most ~1.6 KB each stay under the limit. */
  private static final int MAX_KEYED_PER_RECORD = 500;

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
  private final AtomicLong seq = new AtomicLong();
  /** Odd while a drain moves deltas from the table to {@link #inFlight}: readers retry. */
  private final AtomicLong moving = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;
  private CompletableFuture<Void> previousDurable = CompletableFuture.completedFuture(null);
  /** Records Kafka refused to take (unreachable), sent again, unchanged, before new ones. */
  private final java.util.concurrent.ConcurrentLinkedQueue<Resend> resends = new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** A record to send again with its original bytes (same batch id), and who waits for it. */
  private record Resend(FlushedBatch batch, byte[] value, long operations, int counters, CompletableFuture<Void> acked) {}

  /** Records sent and not yet acknowledged, and when Kafka last made progress on them. */
  private final AtomicLong unackedRecords = new AtomicLong();
  private volatile long lastProgressNanos = System.nanoTime();
  /** When sends started failing outright (Kafka unreachable before anything was sent), or 0. */
  private volatile long failingSinceNanos;

  private final Counter records;
  private final Counter operations;
  private final DistributionSummary countersPerRecord;
  private final Timer ackLatency;
  private final Counter resent;

  public DeltaFlusher(EdgeAggregator aggregator, InFlightBatches inFlight, Producer<byte[], byte[]> producer,
      String topic, String edgeId, long epoch, Duration interval, Duration writeTimeout, MeterRegistry metrics) {
    this.writeTimeoutNanos = writeTimeout.toNanos();
    this.aggregator = aggregator;
    this.inFlight = inFlight;
    this.producer = producer;
    this.topic = topic;
    this.edgeId = edgeId;
    this.epoch = epoch;
    this.interval = interval;
    this.records = metrics.counter("count_edge_flush_records_total");
    this.operations = metrics.counter("count_edge_flushed_operations_total");
    this.countersPerRecord = metrics.summary("count_edge_flush_counters_per_record");
    this.ackLatency = Timer.builder("count_edge_flush_ack_seconds").publishPercentiles(0.5, 0.99).register(metrics);
    this.resent = metrics.counter("count_edge_flush_resent_total");
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
    for (int n = resends.size(); n > 0; n--) {
      Resend r = resends.poll();
      if (r != null) {
        transmit(r);
      }
    }
    moving.incrementAndGet();
    EdgeAggregator.Drained drained;
    List<FlushedBatch> batches = new ArrayList<>();
    try {
      drained = aggregator.drain();
      for (Map<CounterKey, PnCounter> chunk : chunks(drained.deltas())) {
        FlushedBatch b = new FlushedBatch(chunk, List.of());
        inFlight.add(b);
        batches.add(b);
      }
      List<KeyedDelta> keyed = drained.keyed();
      for (int i = 0; i < keyed.size(); i += MAX_KEYED_PER_RECORD) {
        FlushedBatch b = new FlushedBatch(Map.of(), keyed.subList(i, Math.min(keyed.size(), i + MAX_KEYED_PER_RECORD)));
        inFlight.add(b);
        batches.add(b);
      }
    } finally {
      moving.incrementAndGet();
    }
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
    durable.whenComplete((v, e) -> gen.durable().complete(null));
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
    DeltaBatch batch = new DeltaBatch(new BatchId(edgeId, epoch, seq.getAndIncrement()), System.currentTimeMillis(), list, b.keyed);
    CompletableFuture<Void> acked = new CompletableFuture<>();
    transmit(new Resend(b, DeltaBatchCodec.encode(batch), batch.operations(), list.size() + b.keyed.size(), acked));
    return acked;
  }

  /**
   * Hands a record to the producer. A record Kafka never took (unreachable: metadata or buffer
   * timeout) is queued to be sent again unchanged; its writers keep waiting, and reads keep
   * counting it, meanwhile.
   */
  private void transmit(Resend r) {
    long sentAt = System.nanoTime();
    if (unackedRecords.getAndIncrement() == 0) {
      lastProgressNanos = sentAt;
    }
    try {
      producer.send(new ProducerRecord<>(topic, null, r.value()), (meta, error) -> {
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
          // Only errors where the record never reached Kafka get here (delivery timeout is
          // unbounded): sending the same bytes again cannot count it twice.
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

  private static List<Map<CounterKey, PnCounter>> chunks(Map<CounterKey, PnCounter> deltas) {
    List<Map<CounterKey, PnCounter>> out = new ArrayList<>();
    Map<CounterKey, PnCounter> chunk = new HashMap<>();
    int bytes = 0;
    for (Map.Entry<CounterKey, PnCounter> e : deltas.entrySet()) {
      int size = 4 * (e.getKey().id().length() + e.getKey().counter().length()) + 24;
      if (bytes + size > MAX_RECORD_BYTES && !chunk.isEmpty()) {
        out.add(chunk);
        chunk = new HashMap<>();
        bytes = 0;
      }
      chunk.put(e.getKey(), e.getValue());
      bytes += size;
    }
    if (!chunk.isEmpty()) {
      out.add(chunk);
    }
    return out;
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
