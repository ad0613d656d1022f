package io.countctl.cli.dev;

import io.countctl.api.config.AckMode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code countctl dev}: the whole platform on this machine, nothing installed beforehand. */
@Command(name = "dev", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run the whole platform on this machine: a real Kafka (KRaft) and Redis, embedded,",
        "plus the downtime handler, worker(s) and an edge node. Ctrl-C stops everything cleanly."})
public final class DevCommand implements Callable<Integer> {
  @Option(names = "--port", defaultValue = "8080", description = "Edge HTTP port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--host", defaultValue = DevPlatform.LOOPBACK,
      description = {"Address the edge, workers, downtime handler and region-merge bind (default: ${DEFAULT-VALUE},",
          "this machine only). 0.0.0.0 opens them to the network; Kafka and Redis stay on 127.0.0.1."})
  String host;

  @Option(names = "--data-dir", defaultValue = ".count-dev",
      description = "Kafka log and Redis append-only file; counts survive restarts (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--ack-mode", defaultValue = "durable",
      description = "durable: answer writes once Kafka has them; buffered: at once (default: ${DEFAULT-VALUE}).")
  AckMode ackMode;

  @Option(names = "--flush-ms", description = "Edge flush interval (default: 5 in durable mode, 1000 in buffered).")
  Long flushMs;

  @Option(names = "--workers", defaultValue = "1", description = "Workers to run (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the topics (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--cluster", defaultValue = "count", description = "Cluster name: topic and key prefix (default: ${DEFAULT-VALUE}).")
  String cluster;

  @Option(names = "--region", defaultValue = "local", description = "This region's name (default: ${DEFAULT-VALUE}).")
  String region;

  @Option(names = "--merge-port", defaultValue = "0",
      description = "Port of the region-merge endpoint peers send to (COUNT_MERGE_PORT; default: a free port).")
  int mergePort;

  @Option(names = "--peers", defaultValue = "",
      description = "Peer regions' merge endpoints, name=url,… (COUNT_PEERS); starts the region-merge role.")
  String peers;

  @Option(names = "--cors", defaultValue = DevPlatform.ANY_ORIGIN,
      description = "Origins whose web pages may call the edge (COUNT_CORS_ORIGINS): a comma list, * for any (the"
          + " default), or \"\" for no CORS headers.")
  String cors;

  @Option(names = "--infra-only", description = "Start only Kafka and Redis and print their addresses, to run components as separate processes.")
  boolean infraOnly;

  @Override
  public Integer call() throws InterruptedException {
    PrintStream out = System.out;
    DevPlatform platform = new DevPlatform(new DevPlatform.Options(dataDir.toAbsolutePath(), port, ackMode,
        flushMs != null ? flushMs : ackMode.defaultFlushMs(), workers, partitions, cluster, infraOnly, region, mergePort,
        peers, host, cors), System.err);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
      platform.close();
      System.err.println("stopped");
      stopped.countDown();
    }));
    try {
      platform.start();
    } catch (RuntimeException e) {
      System.err.println("countctl dev: " + e.getMessage() + (e.getCause() != null ? " (" + e.getCause() + ")" : ""));
      return 1; // the shutdown hook stops whatever did start
    }
    if (infraOnly) {
      out.println("COUNT_KAFKA_BOOTSTRAP=" + platform.kafkaBootstrap());
      out.println("COUNT_REDIS_URL=" + platform.redisUrl());
      out.flush();
    } else {
      String shown = shownHost(host);
      String url = "http://" + shown + ":" + platform.edge().port();
      out.printf("%nCount is running (cluster '%s', %s mode, data in %s)%n", cluster, ackMode.name().toLowerCase(), dataDir.toAbsolutePath());
      out.printf("  edge node          %s%n", url);
      out.printf("  live console       %s/console/%n", url);
      out.printf("  CORS               %s%n", cors.isBlank() ? "off (no browser pages of other origins)"
          : cors.strip().equals("*") ? "any origin may call the edge (--cors to restrict)" : cors);
      out.printf("  edge internal      http://%s:%d (workers' webhook; takes the run's secret only)%n", shown,
          platform.edge().internalPort());
      for (int i = 0; i < platform.workers().size(); i++) {
        out.printf("  worker %d metrics   http://%s:%d/metrics%n", i, shown, platform.workers().get(i).httpPort());
      }
      out.printf("  downtime handler   http://%s:%d%n", shown, platform.downtime().port());
      if (platform.merger() != null) {
        out.printf("  region-merge       http://%s:%d (region '%s', peers %s)%n", shown, platform.merger().port(), region, peers);
      }
      if (!isLoopback(host)) {
        out.printf("  (listening on %s: reachable from the network)%n", host);
      }
      out.printf("  Kafka              %s%n", platform.kafkaBootstrap());
      out.printf("  Redis              %s%n", platform.redisUrl());
      out.printf("%nTry:%n  curl -X PUT %s/v1/post-1/likes -d '{\"action\":\"increment\"}'%n  curl %s/v1/post-1/likes%n", url, url);
      out.printf("Ctrl-C stops everything.%n");
      out.flush();
    }
    stopped.await(); // until Ctrl-C or SIGTERM: the shutdown hook closes the platform
    return 0;
  }

  /** The host printed URLs use: the one bound, or this machine's name when bound to every interface. */
  static String shownHost(String host) {
    if (DevPlatform.isWildcard(host)) {
      try {
        return java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.net.UnknownHostException e) {
        return DevPlatform.LOOPBACK;
      }
    }
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static boolean isLoopback(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
  }
}
