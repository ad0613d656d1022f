package io.countctl.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * The training run of countctl's start-up cache (the JDK's AOT cache, which {@code bin/countctl}
 * builds once per jar): one JVM records the classes it loads and links, so this runs, silently and
 * in one process, the short commands users call most. {@code get} and {@code inc} talk to a
 * loopback server answering as an edge does, so the cache holds the path of a successful call
 * (HTTP client, JSON, output) and not only its error path.
 */
public final class StartupTraining {
  /** A port nothing listens on: trains the error path of a refused connection. */
  static final String REFUSED = "http://127.0.0.1:9";

  private StartupTraining() {}

  public static void main(String[] args) throws IOException {
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    System.setOut(quiet);
    System.setErr(quiet);
    run(quiet);
  }

  /** Runs every training command; returns their exit codes in order (tests check them). */
  static List<Integer> run(PrintStream quiet) throws IOException {
    HttpServer edge = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] answer = "{\"count\":1,\"updated_at\":\"2026-01-01T00:00:00Z\"}".getBytes(StandardCharsets.UTF_8);
    edge.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    });
    edge.start();
    List<Integer> codes = new ArrayList<>();
    try {
      for (String[] run : runs("http://127.0.0.1:" + edge.getAddress().getPort())) {
        CommandLine cl = CountCtl.commandLine(run);
        cl.setOut(new PrintWriter(quiet));
        cl.setErr(new PrintWriter(quiet));
        codes.add(cl.execute(run));
      }
    } finally {
      edge.stop(0);
    }
    return codes;
  }

  static List<String[]> runs(String url) {
    List<String[]> runs = new ArrayList<>();
    runs.add(new String[] {"--version"});
    runs.add(new String[] {"--help"});
    for (String output : List.of("table", "json", "yaml")) {
      runs.add(new String[] {"get", "warm-up", "cache", "--url", url, "-o", output});
      runs.add(new String[] {"inc", "warm-up", "cache", "--url", url, "-o", output});
    }
    runs.add(new String[] {"get", "warm-up", "cache", "--url", REFUSED}); // refused: the error path
    runs.add(new String[] {"create", "--help"});
    return runs;
  }
}
