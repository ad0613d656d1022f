package io.countctl.worker.merge;

import io.countctl.core.key.CounterKey;
import io.countctl.core.store.RegionEntry;
import io.countctl.core.store.RegionStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships this region's state to one peer, on its own virtual thread. Its position is the change-log
 * sequence the peer last acknowledged, kept in Redis: after a restart or a partition it goes on
 * from there (catch-up without a scan); with no position, or one the log was trimmed below (the
 * peer was away too long), it sends everything by a full scan first. A shipment holds the current
 * entries of up to {@code batch} changed counters, every region's but the peer's own, so it relays
 * what this region heard from third regions. Memory stays one batch, however long a peer is away.
 */
final class PeerShipper {
  private static final Logger log = LoggerFactory.getLogger(PeerShipper.class);
  // Short: after a heal a peer should hear from us within about a second, and a failing call is cheap.
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

  private final Peer peer;
  private final RegionMergeConfig config;
  private final RegionStore store;
  private final io.countctl.core.store.SketchStore sketchStore;
  private final HttpClient http;
  private final Counter bytesShipped;
  private final Counter entriesShipped;
  private final Counter shipped;
  private final Counter failed;
  private final Counter fullSyncs;
  private final AtomicLong caughtUpAtMillis = new AtomicLong(System.currentTimeMillis());
  private final AtomicLong backlog = new AtomicLong();
  private final AtomicLong lastAckMillis = new AtomicLong();
  private volatile String lastError = "";
  private volatile boolean running = true;
  private Thread thread;
  private long lastShipNanos;

  PeerShipper(Peer peer, RegionMergeConfig config, RegionStore store, io.countctl.core.store.SketchStore sketchStore,
      HttpClient http, MeterRegistry metrics) {
    this.sketchStore = sketchStore;
    this.peer = peer;
    this.config = config;
    this.store = store;
    this.http = http;
    Tags tags = Tags.of("peer", peer.region());
    this.bytesShipped = Counter.builder("count_merge_shipped")
        .description("bytes of state shipped to a peer region").baseUnit("bytes").tags(tags).register(metrics);
    this.entriesShipped = Counter.builder("count_merge_entries_shipped_total")
        .description("counter entries shipped to a peer region").tags(tags).register(metrics);
    this.shipped = Counter.builder("count_merge_shipments_total")
        .description("shipments to a peer region, by outcome").tags(tags.and("outcome", "ok")).register(metrics);
    this.failed = Counter.builder("count_merge_shipments_total")
        .description("shipments to a peer region, by outcome").tags(tags.and("outcome", "failed")).register(metrics);
    this.fullSyncs = Counter.builder("count_merge_full_syncs_total")
        .description("full state syncs sent to a peer region").tags(tags).register(metrics);
    Gauge.builder("count_merge_peer_lag_seconds", this, s -> s.lagMillis() / 1000.0).tags(tags)
        .description("age of the newest state this peer has acknowledged in full").register(metrics);
    Gauge.builder("count_merge_peer_backlog", backlog, AtomicLong::get).tags(tags)
        .description("changed counters this peer has not acknowledged").register(metrics);
  }

  void start() {
    thread = Thread.ofVirtual().name("merge-ship-" + peer.region()).start(this::run);
  }

  Peer peer() {
    return peer;
  }

  /** Milliseconds since the peer last held everything this region had (0 when caught up). */
  long lagMillis() {
    return backlog.get() == 0 && lastError.isEmpty() ? 0 : System.currentTimeMillis() - caughtUpAtMillis.get();
  }

  long backlog() {
    return backlog.get();
  }

  long lastAckMillis() {
    return lastAckMillis.get();
  }

  String lastError() {
    return lastError;
  }

  private void run() {
    long backoffMs = config.interval().toMillis();
    while (running) {
      try {
        boolean more = step();
        lastError = "";
        backoffMs = config.interval().toMillis();
        if (!more) {
          Thread.sleep(config.interval());
        }
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        failed.increment();
        if (lastError.isEmpty()) {
          log.warn("shipping to {} ({}) failed, retrying with backoff: {}", peer.region(), peer.url(), e.toString());
        }
        lastError = e.toString();
        try {
          Thread.sleep(backoffMs);
        } catch (InterruptedException ie) {
          return;
        }
        backoffMs = Math.min(MAX_BACKOFF.toMillis(), backoffMs * 2);
      }
    }
  }

  /** One shipment (or a whole full scan). Returns whether more changes are waiting right now. */
  private boolean step() throws IOException, InterruptedException {
    OptionalLong acked = store.acknowledged(peer.region());
    if (acked.isEmpty() || acked.getAsLong() < store.floor()) {
      fullSync();
      return true;
    }
    long seenAt = System.currentTimeMillis();
    List<RegionStore.Change> changes = store.changedSince(acked.getAsLong(), config.batch());
    if (changes.isEmpty()) {
      backlog.set(0);
      caughtUpAtMillis.set(seenAt);
      if (System.nanoTime() - lastShipNanos >= config.heartbeat().toNanos()) {
        ship(List.of(), List.of()); // keeps last-heard fresh on both sides
      }
      return false;
    }
    if (changes.size() == config.batch() || !lastError.isEmpty()) {
      backlog.set(store.backlog(acked.getAsLong())); // so a peer that is away shows what waits for it
    }
    List<CounterKey> keys = new ArrayList<>(changes.size());
    changes.forEach(c -> keys.add(c.key()));
    ship(keys, store.entries(keys, config.region()));
    long upTo = changes.getLast().seq();
    store.acknowledge(peer.region(), upTo);
    boolean full = changes.size() == config.batch();
    backlog.set(full ? store.backlog(upTo) : 0);
    if (!full) {
      caughtUpAtMillis.set(seenAt);
    }
    return full;
  }

  /** Everything this region knows, by a scan; then the position the log had when it began. */
  private void fullSync() throws IOException, InterruptedException {
    fullSyncs.increment();
    long startSeq = store.sequence();
    log.info("catching {} up by a full scan (log position {})", peer.region(), startSeq);
    String cursor = "0";
    long counters = 0;
    do {
      RegionStore.ScanPage page = store.scan(cursor, config.batch());
      if (!page.keys().isEmpty()) {
        ship(page.keys(), store.entries(page.keys(), config.region()));
        counters += page.keys().size();
      }
      cursor = page.cursor();
    } while (!cursor.equals("0") && running);
    if (running) {
      store.acknowledge(peer.region(), startSeq);
      log.info("{} caught up: {} counters sent", peer.region(), counters);
    }
  }

  private void ship(java.util.Collection<CounterKey> keys, List<RegionEntry> all) throws IOException, InterruptedException {
    List<RegionEntry> entries = new ArrayList<>(all.size());
    for (RegionEntry e : all) {
      if (!e.region().equals(peer.region())) { // the peer is the authority on its own entries
        entries.add(e);
      }
    }
    Map<String, Long> heard = new HashMap<>(store.heard());
    heard.remove(peer.region());
    heard.put(config.region(), System.currentTimeMillis());
    var sketches = sketchStore.regionSketches(keys, config.sketches(), System.currentTimeMillis());
    byte[] body = ShipmentCodec.encodeGzip(new Shipment(config.region(), heard, entries, sketches));
    HttpRequest.Builder req = HttpRequest.newBuilder(peer.mergeUri())
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .header("Content-Encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (!config.secret().isEmpty()) {
      req.header(MergeEndpoint.SECRET_HEADER, config.secret());
    }
    HttpResponse<String> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    if (resp.statusCode() != 200) {
      throw new IOException(peer.region() + " answered " + resp.statusCode() + ": " + resp.body());
    }
    String answered = new JsonObject(resp.body()).getString("region", "");
    if (!answered.equals(peer.region())) {
      throw new IOException("the peer at " + peer.url() + " is region '" + answered + "', configured as '" + peer.region() + "'");
    }
    lastShipNanos = System.nanoTime();
    lastAckMillis.set(System.currentTimeMillis());
    shipped.increment();
    bytesShipped.increment(body.length);
    entriesShipped.increment(entries.size());
  }

  void close() {
    running = false;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
