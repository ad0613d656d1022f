package io.countctl.cli.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An edge node or worker in its own JVM, started from its main class with COUNT_* settings in the
 * environment, as in a pod; {@link #kill()} is a kill -9.
 */
final class ComponentProcess implements AutoCloseable {
  private final String name;
  private final String mainClass;
  private final Map<String, String> env;
  private final int httpPort;
  private final Path log;
  private Process process;

  private ComponentProcess(String name, String mainClass, Map<String, String> env, int httpPort, Path logDir) {
    this.name = name;
    this.mainClass = mainClass;
    this.env = Map.copyOf(env);
    this.httpPort = httpPort;
    this.log = logDir.resolve(name + ".log");
  }

  /** Starts it and waits until its {@code /readyz} answers 200. */
  static ComponentProcess start(String name, String mainClass, Map<String, String> env, int httpPort, Path logDir) {
    ComponentProcess p = new ComponentProcess(name, mainClass, env, httpPort, logDir);
    p.launch();
    return p;
  }

  String name() {
    return name;
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + httpPort);
  }

  /** kill -9: no shutdown hook runs, nothing is flushed or closed. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** kill -STOP: the process freezes (a long GC pause, an overloaded node) until {@link #unpause}. */
  void pause() {
    signal("-STOP");
  }

  /** kill -CONT. */
  void unpause() {
    signal("-CONT");
  }

  private void signal(String sig) {
    try {
      Process kill = new ProcessBuilder("kill", sig, Long.toString(process.pid())).inheritIO().start();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("kill " + sig + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A new process with the same settings (an edge takes a new epoch). */
  void restart() {
    launch();
  }

  private void launch() {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), mainClass));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    awaitReady(Duration.ofSeconds(90));
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
        }
        try {
          HttpResponse<Void> r = http.send(HttpRequest.newBuilder(url().resolve("/readyz"))
              .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
          if (r.statusCode() == 200) {
            return;
          }
        } catch (IOException e) {
          // not listening yet
        }
        Thread.sleep(200); // polling a starting process, with the deadline above
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new IllegalStateException(name + " not ready after " + timeout + ":\n" + tail());
  }

  String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      unpause(); // a stopped process would not hear the SIGTERM
      process.destroy();
      try {
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
