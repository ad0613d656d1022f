package io.countctl.testkit;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka (KRaft) running inside the test JVM on free ports, from Kafka's own test kit: one
 * combined broker and controller (starts in about a second), or with {@link #start(int)} several
 * brokers, the first of them also the controller.
 */
public final class KafkaTestCluster implements AutoCloseable {
  private final KafkaClusterTestKit kit;
  private final AtomicBoolean closed = new AtomicBoolean();

  private KafkaTestCluster(KafkaClusterTestKit kit) {
    this.kit = kit;
  }

  public static KafkaTestCluster start() {
    return start(1);
  }

  /**
   * {@code brokers} brokers; with 3 or more, internal topics are replicated 3 times with
   * {@code min.insync.replicas} 2, as in production, so one broker may die.
   */
  public static KafkaTestCluster start(int brokers) {
    String replication = brokers >= 3 ? "3" : "1";
    String minIsr = brokers >= 3 ? "2" : "1";
    try {
      KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
              .setCombined(true)
              .setNumBrokerNodes(brokers)
              .setNumControllerNodes(1)
              .build())
          // Single node: internal topics with replication 1, or consumer groups never join.
          .setConfigProp("offsets.topic.replication.factor", replication)
          .setConfigProp("offsets.topic.num.partitions", "4")
          .setConfigProp("transaction.state.log.replication.factor", replication)
          .setConfigProp("transaction.state.log.min.isr", minIsr)
          .setConfigProp("group.initial.rebalance.delay.ms", "0")
          .setConfigProp("num.partitions", "4")
          .build();
      kit.format();
      kit.startup();
      kit.waitForReadyBrokers();
      return new KafkaTestCluster(kit);
    } catch (Exception e) {
      throw new IllegalStateException("could not start the Kafka test broker", e);
    }
  }

  public String bootstrapServers() {
    return kit.bootstrapServers();
  }

  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  /** Creates a topic (replication 1) unless it exists. */
  public void createTopic(String name, int partitions) {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
    } catch (Exception e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("could not create topic " + name, e);
      }
    }
  }

  /** Ids of the brokers, for {@link #stopBroker}. */
  public List<Integer> brokerIds() {
    return List.copyOf(new java.util.TreeSet<>(kit.brokers().keySet()));
  }

  /** Stops one broker (a broker that is not the controller keeps the cluster's quorum intact). */
  public void stopBroker(int id) {
    kit.brokers().get(id).shutdown();
  }

  /** Stops the broker (the controller keeps running); clients see Kafka unreachable. */
  public void stopBrokers() {
    kit.brokers().values().forEach(b -> b.shutdown());
  }

  /** Starts the broker again on its old data (after {@link #stopBrokers}). */
  public void startBrokers() {
    try {
      kit.brokers().values().forEach(b -> b.startup());
      kit.waitForReadyBrokers();
    } catch (Exception e) {
      throw new IllegalStateException("could not start the Kafka test broker again", e);
    }
  }

  /** Stops and starts the broker in place, keeping its data: a broker restart. */
  public void restartBrokers() {
    stopBrokers();
    startBrokers();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) { // the kit must be closed once only
      try {
        kit.close();
      } catch (Exception e) {
        throw new IllegalStateException("could not stop the Kafka test broker", e);
      }
    }
  }
}
