package io.countctl.worker.reduce;

import io.countctl.core.batch.BatchId;
import io.countctl.core.batch.DeltaBatch;
import io.countctl.core.batch.DeltaBatchCodec;
import io.countctl.core.batch.EdgeMark;
import io.countctl.core.batch.KeyedDelta;
import io.countctl.core.batch.MalformedBatchException;
import io.countctl.core.counter.PnCounter;
import io.countctl.core.key.CounterKey;
import io.countctl.core.store.PartitionCommit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Sums one poll's records of one partition into a single commit (seed 000's reduce step): one
 * Redis round trip however many batches and however hot a counter is.
 */
final class PartitionReducer {
  private PartitionReducer() {}

  /** A record that cannot be applied, and why. */
  record Poison(ConsumerRecord<byte[], byte[]> record, String reason) {}

  /**
   * What one chunk of records comes to.
   *
   * @param commit the Redis commit, or null when nothing in the chunk is new
   * @param batches the batches it applies
   * @param duplicates batches skipped as already applied
   */
  record Chunk(PartitionCommit commit, List<DeltaBatch> batches, List<Poison> poison, int duplicates, ChunkSketches sketches) {}

  static Chunk reduce(PartitionState state, List<ConsumerRecord<byte[], byte[]>> records, Set<Long> skip, Map<Long, String> skipReasons,
      io.countctl.core.sketch.SketchSettings sketchSettings) {
    return reduce(state, records, skip, skipReasons, Set.of(), sketchSettings);
  }

  /**
   * @param skip offsets to leave out (found poisonous by an earlier attempt)
   * @param replayedBefore identities of replayed dead letters Redis has applied already
   *     ({@link ReplayedRecords}): their replays are skipped as duplicates
   */
  static Chunk reduce(PartitionState state, List<ConsumerRecord<byte[], byte[]>> records, Set<Long> skip, Map<Long, String> skipReasons,
      Set<String> replayedBefore, io.countctl.core.sketch.SketchSettings sketchSettings) {
    ChunkSketches sketches = new ChunkSketches(sketchSettings);
    Map<CounterKey, PnCounter> deltas = new HashMap<>();
    List<KeyedDelta> keyed = new ArrayList<>();
    Map<String, EdgeMark> marks = new HashMap<>();
    List<DeltaBatch> applied = new ArrayList<>();
    List<Poison> poison = new ArrayList<>();
    List<String> replays = new ArrayList<>();
    int duplicates = 0;
    long first = state.nextOffset.orElse(-1);
    long last = -1;
    for (ConsumerRecord<byte[], byte[]> r : records) {
      if (r.offset() < first) {
        continue; // applied before (a poll that raced a seek)
      }
      last = r.offset();
      DeltaBatch batch;
      try {
        batch = DeltaBatchCodec.decode(r.value());
      } catch (MalformedBatchException e) {
        poison.add(new Poison(r, "malformed: " + e.getMessage()));
        continue;
      }
      BatchId id = batch.id();
      boolean replay = ReplayedRecords.isReplay(r);
      String replayId = replay ? ReplayedRecords.identity(r, id) : null;
      EdgeMark mark = marks.getOrDefault(id.edgeId(), state.marks.get(id.edgeId()));
      if (replay ? replayedBefore.contains(replayId) || replays.contains(replayId) : mark != null && mark.contains(id)) {
        duplicates++; // the same batch twice in the log (a re-send of a record Kafka had taken): count it once
        continue;
      }
      if (skip.contains(r.offset())) {
        poison.add(new Poison(r, skipReasons.get(r.offset())));
        handled(marks, mark, id, replay);
        continue;
      }
      ChunkSketches.Parsed parsed;
      try {
        parsed = sketches.parse(batch);
      } catch (IllegalArgumentException e) {
        poison.add(new Poison(r, "malformed sketch: " + e.getMessage()));
        handled(marks, mark, id, replay);
        continue;
      }
      try {
        Map<CounterKey, PnCounter> merged = new HashMap<>();
        for (var d : batch.deltas()) {
          PnCounter sum = merged.containsKey(d.key()) ? merged.get(d.key()) : deltas.getOrDefault(d.key(), PnCounter.ZERO);
          merged.put(d.key(), sum.plus(d.change()));
        }
        deltas.putAll(merged);
      } catch (ArithmeticException e) {
        poison.add(new Poison(r, "overflow: the batch would push a counter past 2^63-1"));
        handled(marks, mark, id, replay);
        continue;
      }
      keyed.addAll(batch.keyed());
      sketches.add(parsed);
      if (replay) {
        replays.add(replayId); // the edge's mark stays: it guards the edge's own records, not replays
      } else {
        marks.put(id.edgeId(), mark == null ? EdgeMark.of(id) : mark.with(id));
      }
      applied.add(batch);
    }
    if (last < 0) {
      return new Chunk(null, List.of(), List.of(), 0, sketches);
    }
    PartitionCommit commit = new PartitionCommit(state.partition, state.nextOffset, last + 1, marks, deltas, keyed,
        System.currentTimeMillis()).withReplays(replays);
    return new Chunk(commit, applied, poison, duplicates, sketches);
  }

  /**
   * A decodable batch set aside counts as handled in its edge's mark: a later copy of it in the log
   * (an edge re-send) is then a duplicate, not a second dead letter, so its one dead letter stands
   * for all copies and a replay of it counts it once. A replay's own failure leaves the marks alone.
   */
  private static void handled(Map<String, EdgeMark> marks, EdgeMark mark, BatchId id, boolean replay) {
    if (!replay) {
      marks.put(id.edgeId(), mark == null ? EdgeMark.of(id) : mark.with(id));
    }
  }
}
