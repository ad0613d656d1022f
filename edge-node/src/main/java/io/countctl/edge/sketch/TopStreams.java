package io.countctl.edge.sketch;

import io.countctl.core.sketch.TopEntry;
import io.countctl.edge.http.BadRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live top-K lists ({@code GET /v1/{id}/{counter}/top/stream}): one poller per distinct
 * (counter, by, window, k) that has streams open, re-reading the list every
 * {@code COUNT_TOP_REFRESH_MS} and sending it to its streams only when values or estimates changed.
 *
 * <p>Why polling instead of the workers' push that count streams use: a windowed list changes
 * with time alone (buckets slide out of the window without any write), so no write-side event
 * could announce every change; and the cost is bounded by what is watched, not by who watches or
 * how fast writes come: one (cached, shared) Redis read per watched list per interval, whatever
 * the number of clients on it. The first list is sent at once; the poller goes when its last
 * stream does.
 */
public final class TopStreams implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TopStreams.class);

  private final SketchCache cache;
  private final Vertx vertx;
  private final int maxStreams;
  private final ConcurrentHashMap<TopQuery, Poller> pollers = new ConcurrentHashMap<>();
  private final AtomicInteger open = new AtomicInteger();
  /** Ids of lists: growing on this edge, so a stream's ids grow whatever poller fed it. */
  private final AtomicLong ids = new AtomicLong();
  private final long refreshTimer;
  private final long heartbeatTimer;
  private final Counter events;

  public TopStreams(Vertx vertx, SketchCache cache, long refreshMs, long heartbeatMs, int maxStreams,
      MeterRegistry metrics) {
    this.vertx = vertx;
    this.cache = cache;
    this.maxStreams = maxStreams;
    this.events = Counter.builder("count_edge_top_changes_total")
        .description("top-K changes pushed to /top/stream clients").register(metrics);
    Gauge.builder("count_edge_top_streams", open, AtomicInteger::get)
        .description("open top-K SSE streams").register(metrics);
    Gauge.builder("count_edge_top_pollers", pollers, ConcurrentHashMap::size)
        .description("top-K lists polled from Redis for open streams").register(metrics);
    this.refreshTimer = vertx.setPeriodic(refreshMs, id -> pollers.values().forEach(Poller::poll));
    this.heartbeatTimer = vertx.setPeriodic(heartbeatMs, id -> eachStream(TopStream::heartbeat));
  }

  /**
   * Admits a stream (503 when {@code COUNT_TOP_MAX_STREAMS} are open), joins it to its list's
   * poller and sends it the current list: the last one read, or the first read, started now.
   */
  void open(TopStream s) {
    if (open.incrementAndGet() > maxStreams) {
      open.decrementAndGet();
      throw new BadRequest(503, "too_many_streams",
          "this edge serves " + maxStreams + " top-K streams already; retry later or on another edge");
    }
    Poller p = pollers.compute(s.query(), (q, existing) -> {
      Poller poller = existing == null ? new Poller(q) : existing;
      poller.streams.add(s);
      return poller;
    });
    TopList last = p.last;
    if (last != null) {
      s.context().runOnContext(v -> s.send(last));
    } else {
      p.poll();
    }
  }

  /** Called once per stream however it ended; the poller goes with its last stream. */
  void closed(TopStream s) {
    open.decrementAndGet();
    pollers.computeIfPresent(s.query(), (q, p) -> {
      p.streams.remove(s);
      return p.streams.isEmpty() ? null : p;
    });
  }

  public int streams() {
    return open.get();
  }

  public int pollers() {
    return pollers.size();
  }

  /** Ends every stream (edge shutdown). */
  @Override
  public void close() {
    vertx.cancelTimer(refreshTimer);
    vertx.cancelTimer(heartbeatTimer);
    List<TopStream> all = new ArrayList<>();
    pollers.values().forEach(p -> all.addAll(p.streams));
    CountDownLatch ended = new CountDownLatch(all.size());
    for (TopStream s : all) {
      s.context().runOnContext(v -> {
        s.end();
        ended.countDown();
      });
    }
    try {
      ended.await(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void eachStream(java.util.function.Consumer<TopStream> action) {
    for (Poller p : pollers.values()) {
      for (TopStream s : p.streams) {
        s.context().runOnContext(v -> action.accept(s));
      }
    }
  }

  /** One watched list and its streams; at most one read of it at a time. */
  private final class Poller {
    final TopQuery query;
    final Set<TopStream> streams = ConcurrentHashMap.newKeySet();
    final AtomicBoolean reading = new AtomicBoolean();
    /** Written only by the one read in progress. */
    volatile TopList last;

    Poller(TopQuery query) {
      this.query = query;
    }

    void poll() {
      if (!reading.compareAndSet(false, true)) {
        return; // the previous read is still out (Redis slow): skip this tick
      }
      cache.top(query.key(), query.by(), query.window()).whenComplete((read, error) -> {
        try {
          if (error != null) {
            log.debug("reading top-K of {} failed: {}", query.key(), error.toString()); // streams keep their list
            return;
          }
          String ranking = ranking(query.entries(read));
          TopList previous = last;
          if (previous != null && previous.ranking().equals(ranking)) {
            return;
          }
          TopList now = new TopList(ids.incrementAndGet(), query.json(read).encode(), ranking);
          last = now;
          events.increment();
          for (TopStream s : streams) {
            s.context().runOnContext(v -> s.send(now));
          }
        } finally {
          reading.set(false);
        }
      });
    }
  }

  private static String ranking(List<TopEntry> entries) {
    StringBuilder b = new StringBuilder();
    for (TopEntry e : entries) {
      b.append(e.value().length()).append(':').append(e.value()).append('=').append(e.estimate()).append(';');
    }
    return b.toString();
  }
}
