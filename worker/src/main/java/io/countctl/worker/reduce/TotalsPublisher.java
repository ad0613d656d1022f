package io.countctl.worker.reduce;

import io.countctl.core.key.CounterKey;
import io.countctl.core.totals.TotalChange;
import io.countctl.core.totals.TotalChangeCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After each commit, one "changed" record per counter on {@code <cluster>.totals}, keyed by the
 * counter so the default partitioner puts it with the counter's subscriptions. The records carry
 * absolute values and the counter's version, so a repeated one is dropped by readers; a record
 * that could not be published is kept (the newest per counter) and sent again by
 * {@link #retryFailed}, and counted and reported in readiness meanwhile — never allowed to stop
 * counting. The region-merge role publishes merged changes through it too.
 */
public final class TotalsPublisher {
  private static final Logger log = LoggerFactory.getLogger(TotalsPublisher.class);

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final Counter published;
  private final Counter failed;
  private final Counter retried;
  /** Newest unpublished state per counter, written by producer callbacks. */
  private final Map<CounterKey, TotalChange> unpublished = new ConcurrentHashMap<>();

  public TotalsPublisher(Producer<byte[], byte[]> producer, String topic, MeterRegistry metrics) {
    this.producer = producer;
    this.topic = topic;
    this.published = Counter.builder("count_worker_totals_published_total")
        .description("changed records published to the totals topic").register(metrics);
    this.failed = Counter.builder("count_worker_totals_failed_total")
        .description("changed records Kafka did not take (retried later)").register(metrics);
    this.retried = Counter.builder("count_worker_totals_retried_total")
        .description("changed records published again after a failure").register(metrics);
    Gauge.builder("count_worker_totals_unpublished", unpublished, Map::size)
        .description("counters whose changed record waits to be published again").register(metrics);
  }

  public void publish(List<TotalChange> changes) {
    changes.forEach(this::send);
  }

  /** Sends again what failed before (the newest state of each such counter). */
  public void retryFailed() {
    for (TotalChange c : List.copyOf(unpublished.values())) {
      if (unpublished.remove(c.key(), c)) {
        retried.increment();
        send(c);
      }
    }
  }

  /** Empty when every record was published, else why not (for /readyz). */
  public String problem() {
    int n = unpublished.size();
    return n == 0 ? "" : n + " live-update (totals) records not published to Kafka yet; retrying";
  }

  private void send(TotalChange c) {
    try {
      producer.send(new ProducerRecord<>(topic, c.key().toString().getBytes(StandardCharsets.UTF_8),
          TotalChangeCodec.encodeValue(c)), (m, e) -> {
            if (e == null) {
              published.increment();
            } else {
              failed(c, e);
            }
          });
    } catch (RuntimeException e) {
      failed(c, e);
    }
  }

  private void failed(TotalChange c, Exception e) {
    failed.increment();
    unpublished.merge(c.key(), c, (old, now) -> now.version() >= old.version() ? now : old);
    log.warn("totals record for {} not published ({}); will retry", c.key(), e.toString());
  }
}
