package io.countctl.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * The training run of countctl's start-up cache (the JDK's AOT cache, which {@code bin/countctl}
 * builds once per jar): one JVM records the classes it loads and links, so this runs, silently and
 * in one process, the short commands users call most. They talk to a loopback stand-in that
 * answers as an edge and as a Kubernetes API server do, so the cache holds the path of a successful
 * call (HTTP clients, JSON, the fabric8 client, output) and not only its error path.
 */
public final class StartupTraining {
  /** A port nothing listens on: trains the error path of a refused connection. */
  static final String REFUSED = "http://127.0.0.1:9";

  private static final String GROUP_VERSION = "counters.countctl.io/v1alpha1";
  private static final String COUNT = "{\"count\":1,\"updated_at\":\"2026-01-01T00:00:00Z\"}";
  private static final String RESOURCES = "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\""
      + GROUP_VERSION + "\",\"resources\":[{\"name\":\"distributedcounters\",\"singularName\":\"distributedcounter\","
      + "\"namespaced\":true,\"kind\":\"DistributedCounter\",\"verbs\":[\"get\",\"list\",\"create\",\"delete\"]}]}";
  private static final String COUNTER = "{\"apiVersion\":\"" + GROUP_VERSION + "\",\"kind\":\"DistributedCounter\","
      + "\"metadata\":{\"name\":\"likes\",\"namespace\":\"apps\",\"creationTimestamp\":\"2026-01-01T00:00:00Z\"},"
      + "\"spec\":{\"kafka\":{\"bootstrapServers\":\"kafka:9092\"},\"redis\":{\"url\":\"redis://redis:6379\"}},"
      + "\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"Ready\","
      + "\"lastTransitionTime\":\"2026-01-01T00:00:00Z\"}]}}";
  private static final String LIST = "{\"apiVersion\":\"" + GROUP_VERSION + "\",\"kind\":\"DistributedCounterList\","
      + "\"metadata\":{},\"items\":[" + COUNTER + "]}";

  private StartupTraining() {}

  public static void main(String[] args) throws IOException {
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    System.setOut(quiet);
    System.setErr(quiet);
    run(quiet);
  }

  /** Runs every training command; returns their exit codes in order (tests check them). */
  static List<Integer> run(PrintStream quiet) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", StartupTraining::answer);
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort();
    Path kubeconfig = Files.createTempFile("countctl-training", ".kubeconfig");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters: [{name: training, cluster: {server: "%s"}}]
        users: [{name: training, user: {token: training}}]
        contexts: [{name: training, context: {cluster: training, user: training, namespace: apps}}]
        current-context: training
        """.formatted(url));
    List<Integer> codes = new ArrayList<>();
    try {
      for (String[] run : runs(url, kubeconfig.toString())) {
        CommandLine cl = CountCtl.commandLine(run);
        cl.setOut(new PrintWriter(quiet));
        cl.setErr(new PrintWriter(quiet));
        codes.add(cl.execute(run));
      }
    } finally {
      server.stop(0);
      Files.deleteIfExists(kubeconfig);
    }
    return codes;
  }

  static List<String[]> runs(String url, String kubeconfig) {
    List<String[]> runs = new ArrayList<>();
    runs.add(new String[] {"--version"});
    runs.add(new String[] {"--help"});
    for (String output : List.of("table", "json", "yaml")) {
      runs.add(new String[] {"get", "warm-up", "cache", "--url", url, "-o", output});
      runs.add(new String[] {"inc", "warm-up", "cache", "--url", url, "-o", output});
      runs.add(new String[] {"get", "--kubeconfig", kubeconfig, "-o", output});
    }
    runs.add(new String[] {"get", "likes", "-n", "apps", "--kubeconfig", kubeconfig});
    runs.add(new String[] {"get", "warm-up", "cache", "--url", REFUSED}); // refused: the error path
    runs.add(new String[] {"create", "--help"});
    return runs;
  }

  private static void answer(HttpExchange exchange) throws IOException {
    exchange.getRequestBody().readAllBytes();
    String path = exchange.getRequestURI().getPath();
    String body;
    if (path.endsWith("/apis/" + GROUP_VERSION)) {
      body = RESOURCES;
    } else if (path.endsWith("/distributedcounters")) {
      body = LIST;
    } else if (path.contains("/distributedcounters/")) {
      body = COUNTER;
    } else {
      body = COUNT;
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
