package io.countctl.cli.dev;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka in KRaft mode (combined broker and controller) running in this JVM,
 * its log in the data directory: topics, records and committed offsets survive restarts.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private final KafkaRaftServer server;
  private final String bootstrap;

  private EmbeddedKafka(KafkaRaftServer server, String bootstrap) {
    this.server = server;
    this.bootstrap = bootstrap;
  }

  public static EmbeddedKafka start(Path dir, DevPorts ports) {
    try {
      Files.createDirectories(dir);
      String bootstrap = bootstrap(ports);
      Properties props = new Properties();
      props.putAll(Map.ofEntries(
          Map.entry("node.id", "1"),
          Map.entry("process.roles", "broker,controller"),
          Map.entry("listeners", "PLAINTEXT://" + bootstrap + ",CONTROLLER://127.0.0.1:" + ports.controller()),
          Map.entry("advertised.listeners", "PLAINTEXT://" + bootstrap),
          Map.entry("controller.listener.names", "CONTROLLER"),
          Map.entry("inter.broker.listener.name", "PLAINTEXT"),
          Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
          Map.entry("controller.quorum.voters", "1@127.0.0.1:" + ports.controller()),
          Map.entry("log.dirs", dir.toAbsolutePath().toString()),
          // One node: internal topics with one replica, or consumer groups never form.
          Map.entry("offsets.topic.replication.factor", "1"),
          Map.entry("offsets.topic.num.partitions", "4"),
          Map.entry("transaction.state.log.replication.factor", "1"),
          Map.entry("transaction.state.log.min.isr", "1"),
          Map.entry("group.initial.rebalance.delay.ms", "0"),
          // After a kill -9 the controller refuses the restarted broker (DUPLICATE_BROKER_REGISTRATION)
          // until the old registration's session expires: 9 s by default, most of a restart. The
          // broker and its controller share this process, so a short session is safe here.
          Map.entry("broker.session.timeout.ms", "3000"),
          Map.entry("broker.heartbeat.interval.ms", "500"),
          Map.entry("num.partitions", "4"),
          Map.entry("auto.create.topics.enable", "false")));
      Path config = dir.resolve("server.properties");
      try (OutputStream out = Files.newOutputStream(config)) {
        props.store(out, "written by countctl dev on every start");
      }
      // Only a new log dir is formatted: a formatted one has meta.properties (the file the storage
      // tool's --ignore-formatted looks for), and the broker checks it against the cluster id on
      // start. Loading and running the tool costs more than a second of a restart's CPU.
      if (!Files.exists(dir.resolve("meta.properties"))) {
        format(config, ports.kafkaClusterId());
      }
      KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
      server.startup();
      EmbeddedKafka kafka = new EmbeddedKafka(server, bootstrap);
      kafka.awaitReady(Duration.ofSeconds(60));
      return kafka;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void format(Path config, String clusterId) {
    ByteArrayOutputStream formatOut = new ByteArrayOutputStream();
    int code = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", config.toString(), "--ignore-formatted"},
        new PrintStream(formatOut, true, StandardCharsets.UTF_8));
    if (code != 0) {
      throw new IllegalStateException("formatting the Kafka log dir failed: " + formatOut.toString(StandardCharsets.UTF_8));
    }
  }

  /** Where clients reach the broker on {@code ports}: known before it starts. */
  static String bootstrap(DevPorts ports) {
    return "127.0.0.1:" + ports.kafka();
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000))) {
      while (true) {
        try {
          admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
          return;
        } catch (Exception e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("Kafka did not become ready within " + timeout.toSeconds() + " s", e);
          }
        }
      }
    }
  }

  public String bootstrap() {
    return bootstrap;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }
}
