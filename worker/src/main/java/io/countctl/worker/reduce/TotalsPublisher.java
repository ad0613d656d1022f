package io.countctl.worker.reduce;

import io.countctl.core.totals.TotalChange;
import io.countctl.core.totals.TotalChangeCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After each commit, one "changed" record per counter on {@code <cluster>.totals}, keyed by the
 * counter so the default partitioner puts it with the counter's subscriptions. The records carry
 * absolute values, so a lost or repeated one only delays or repeats a live update: failures are
 * logged and counted, never allowed to stop counting.
 */
final class TotalsPublisher {
  private static final Logger log = LoggerFactory.getLogger(TotalsPublisher.class);

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final Counter published;
  private final Counter failed;

  TotalsPublisher(Producer<byte[], byte[]> producer, String topic, MeterRegistry metrics) {
    this.producer = producer;
    this.topic = topic;
    this.published = metrics.counter("count_worker_totals_published_total");
    this.failed = metrics.counter("count_worker_totals_failed_total");
  }

  void publish(List<TotalChange> changes) {
    for (TotalChange c : changes) {
      try {
        producer.send(new ProducerRecord<>(topic, c.key().toString().getBytes(StandardCharsets.UTF_8),
            TotalChangeCodec.encodeValue(c)), (m, e) -> {
              if (e == null) {
                published.increment();
              } else {
                failed.increment();
                log.warn("totals record for {} not published: {}", c.key(), e.toString());
              }
            });
      } catch (RuntimeException e) {
        failed.increment();
        log.warn("totals record for {} not published: {}", c.key(), e.toString());
      }
    }
  }
}
