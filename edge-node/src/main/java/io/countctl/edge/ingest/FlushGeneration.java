package io.countctl.edge.ingest;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The writes between two flushes. A writer {@link #enter}s the current generation, adds to the
 * table, and {@link #exit}s; the flusher {@link #seal}s it (new writers go to the next one) and
 * waits until no writer is inside before draining, so every write of a sealed generation is in
 * its flush. (Writes of the next generation may ride along early; that only makes them durable
 * sooner.)
 *
 * <p>{@link #durable()} completes when this generation's records and those of every earlier
 * generation are acknowledged by Kafka: the moment its writers may be answered in durable mode.
 */
final class FlushGeneration {
  private final long number;
  private final AtomicInteger writersInside = new AtomicInteger();
  private volatile boolean sealed;
  private final CompletableFuture<Void> durable = new CompletableFuture<>();
  /** What writers wait on: durable, or failed once the generation waited too long. */
  private final CompletableFuture<Void> answer = durable.copy();
  private final long startedNanos = System.nanoTime();
  /** Writes with an idempotency key: they travel one by one, never summed. */
  private final java.util.concurrent.ConcurrentLinkedQueue<KeyedWrite> keyed =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  /**
   * Unkeyed writes that feed sketches. Queued rather than folded here: sketch updates are not
   * thread-safe and cost more than a CAS, so the flusher thread folds them once per flush and
   * writes without a user or item never pay for it.
   */
  private final java.util.concurrent.ConcurrentLinkedQueue<SketchedWrite> sketched =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  FlushGeneration(long number) {
    this.number = number;
  }

  long number() {
    return number;
  }

  /** @return false if the generation was sealed meanwhile: the writer must use the next one */
  boolean enter() {
    writersInside.incrementAndGet();
    if (sealed) {
      writersInside.decrementAndGet();
      return false;
    }
    return true;
  }

  void exit() {
    writersInside.decrementAndGet();
  }

  void seal() {
    sealed = true;
  }

  /** Spins until writers that entered before the seal are done; each is a few CAS long. */
  void awaitWriters() {
    while (writersInside.get() != 0) {
      Thread.onSpinWait();
    }
  }

  void addKeyed(KeyedWrite write) {
    keyed.add(write);
  }

  /** The generation's keyed writes; complete once {@link #awaitWriters} returned. */
  java.util.List<KeyedWrite> keyed() {
    return java.util.List.copyOf(keyed);
  }

  void addSketched(SketchedWrite write) {
    sketched.add(write);
  }

  /** The generation's sketched writes; complete once {@link #awaitWriters} returned. */
  java.util.List<SketchedWrite> sketched() {
    return sketched.isEmpty() ? java.util.List.of() : java.util.List.copyOf(sketched);
  }

  CompletableFuture<Void> durable() {
    return durable;
  }

  /** Completes when the generation is durable, or exceptionally when {@link #expire}d first. */
  CompletableFuture<Void> answer() {
    return answer;
  }

  /** Gives up waiting for Kafka on behalf of this generation's writers (they get a 503). */
  void expire() {
    answer.completeExceptionally(new java.util.concurrent.TimeoutException("flush not acknowledged in time"));
  }

  long ageNanos() {
    return System.nanoTime() - startedNanos;
  }
}
