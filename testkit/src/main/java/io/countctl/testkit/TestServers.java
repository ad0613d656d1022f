package io.countctl.testkit;

import io.countctl.api.config.Setting;
import java.util.HashMap;
import java.util.Map;

/**
 * The servers of a platform test, started and stopped together: a real Kafka and a real Redis, and
 * the settings that point a component at them. What starts the components themselves lives with
 * the tests that need them (testkit depends on no component).
 */
public final class TestServers implements AutoCloseable {
  private final KafkaTestCluster kafka;
  private final RedisTestServer redis;

  private TestServers(KafkaTestCluster kafka, RedisTestServer redis) {
    this.kafka = kafka;
    this.redis = redis;
  }

  /** One Kafka broker (KRaft) and one Redis, each on free ports. */
  public static TestServers start() {
    KafkaTestCluster kafka = KafkaTestCluster.start();
    try {
      return new TestServers(kafka, RedisTestServer.start());
    } catch (RuntimeException e) {
      kafka.close(); // no broker left behind when Redis cannot start
      throw e;
    }
  }

  public KafkaTestCluster kafka() {
    return kafka;
  }

  public RedisTestServer redis() {
    return redis;
  }

  /**
   * A fresh, modifiable map of what every component of {@code cluster} needs to run against these
   * servers (the cluster name, Kafka's bootstrap servers, Redis's URL, any free HTTP port),
   * overlaid by {@code own}.
   */
  public Map<String, String> settings(String cluster, Map<String, String> own) {
    Map<String, String> m = new HashMap<>(Map.of(
        Setting.CLUSTER.key(), cluster,
        Setting.KAFKA_BOOTSTRAP.key(), kafka.bootstrapServers(),
        Setting.REDIS_URL.key(), redis.url().toString(),
        Setting.HTTP_PORT.key(), "0"));
    m.putAll(own);
    return m;
  }

  /** Redis first, then Kafka: the reverse of the start. */
  @Override
  public void close() {
    try {
      redis.close();
    } finally {
      kafka.close();
    }
  }
}
