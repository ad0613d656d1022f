package io.countctl.cli.dev;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Ports and identity of a dev data directory, chosen on first start and kept in
 * {@code dev.properties}: a restart reuses them (the KRaft voter set names the controller's port,
 * and clients keep their addresses).
 */
public record DevPorts(int kafka, int controller, int redis, String kafkaClusterId) {

  public static DevPorts loadOrCreate(Path dataDir) {
    Path file = dataDir.resolve("dev.properties");
    Properties p = new Properties();
    try {
      if (Files.exists(file)) {
        try (InputStream in = Files.newInputStream(file)) {
          p.load(in);
        }
        return new DevPorts(Integer.parseInt(p.getProperty("kafka.port")), Integer.parseInt(p.getProperty("controller.port")),
            Integer.parseInt(p.getProperty("redis.port")), p.getProperty("kafka.cluster.id"));
      }
      int[] free = distinctFree(3);
      DevPorts ports = new DevPorts(free[0], free[1], free[2], newKafkaClusterId());
      p.setProperty("kafka.port", Integer.toString(ports.kafka()));
      p.setProperty("controller.port", Integer.toString(ports.controller()));
      p.setProperty("redis.port", Integer.toString(ports.redis()));
      p.setProperty("kafka.cluster.id", ports.kafkaClusterId());
      try (OutputStream out = Files.newOutputStream(file)) {
        p.store(out, "countctl dev: ports and ids of this data directory, reused on every start");
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write " + file, e);
    }
  }

  /** {@code n} free ports, all different: the sockets stay open together while they are picked. */
  private static int[] distinctFree(int n) throws IOException {
    ServerSocket[] sockets = new ServerSocket[n];
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ports[i] = sockets[i].getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : sockets) {
        if (s != null) {
          s.close();
        }
      }
    }
  }

  /** Kafka's cluster id format: 16 random bytes, URL-safe base64 without padding. */
  private static String newKafkaClusterId() {
    return org.apache.kafka.common.Uuid.randomUuid().toString();
  }

}
