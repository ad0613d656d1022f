package io.countctl.core.kafka;

import io.countctl.core.config.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates a cluster's topics when they are missing, so edges and workers can start in any order.
 * Totals and subscriptions get the same partition count (and the default key partitioner) so a
 * counter's subscriptions land on the worker that owns its totals; subscriptions are compacted so
 * a new owner rebuilds its table by reading from the start.
 *
 * <p>With a replication factor of 3 or more (production), topics get {@code min.insync.replicas}
 * 2: with the producers' {@code acks=all}, an acknowledged record is then on at least two brokers,
 * so losing one broker loses nothing acknowledged, and writes go on while one is down. Below 3 the
 * broker's default (1) stays: with 2 replicas, requiring both would stop writes at the first
 * broker restart.
 */
public final class TopicProvisioner {
  private TopicProvisioner() {}

  /** {@code min.insync.replicas} of the topics created with {@code replication} replicas; empty: the broker's default. */
  public static Map<String, String> durability(short replication) {
    return replication >= 3 ? Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2") : Map.of();
  }

  public static void ensureTopics(String bootstrap, Topics topics, int partitions, short replication) {
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      Map<String, String> durable = durability(replication);
      Map<String, String> compacted = new java.util.HashMap<>(durable);
      compacted.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
      for (NewTopic t : List.of(
          new NewTopic(topics.deltas(), partitions, replication).configs(durable),
          new NewTopic(topics.totals(), partitions, replication).configs(durable),
          new NewTopic(topics.subscriptions(), partitions, replication).configs(compacted),
          new NewTopic(topics.deltasDlq(), 1, replication).configs(durable))) {
        if (!existing.contains(t.name())) {
          missing.add(t);
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      try {
        admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) { // another component raced us: fine
          throw e;
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not create the topics of cluster '" + topics.cluster()
          + "' on Kafka at " + bootstrap + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }
}
