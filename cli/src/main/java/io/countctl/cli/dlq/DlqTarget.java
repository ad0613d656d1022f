package io.countctl.cli.dlq;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Which Kafka and cluster the {@code dlq} commands read: {@code --bootstrap} (or
 * {@code COUNT_KAFKA_BOOTSTRAP}), else the Kafka of the {@code countctl dev} data directory
 * ({@code --data-dir}, its {@code dev.properties}), so on a dev machine no option is needed.
 */
final class DlqTarget {
  @Option(names = "--bootstrap", defaultValue = "${env:COUNT_KAFKA_BOOTSTRAP}",
      description = "Kafka bootstrap servers (default: $COUNT_KAFKA_BOOTSTRAP, else the Kafka of --data-dir).")
  String bootstrap;

  @Option(names = "--cluster", defaultValue = "${env:COUNT_CLUSTER:-count}",
      description = "Cluster name: the topics' prefix (default: ${DEFAULT-VALUE}).")
  String cluster;

  @Option(names = "--data-dir", defaultValue = ".count-dev",
      description = "Data directory of `countctl dev`, whose Kafka is used when --bootstrap is not given (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  String bootstrap() {
    if (bootstrap != null && !bootstrap.isBlank()) {
      return bootstrap;
    }
    Path file = dataDir.resolve("dev.properties");
    if (!Files.exists(file)) {
      throw new DlqException("no Kafka to read: give --bootstrap host:port (or COUNT_KAFKA_BOOTSTRAP), or run `countctl dev`"
          + " (its " + file + " names its Kafka)");
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return "127.0.0.1:" + p.getProperty("kafka.port");
  }
}
