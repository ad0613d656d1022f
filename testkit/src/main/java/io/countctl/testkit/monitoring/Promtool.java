package io.countctl.testkit.monitoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Prometheus's own {@code promtool} (Debian package {@code prometheus}; {@code .ci/run} installs
 * it) so that tests check metrics and rules with the tool Prometheus users run, not a re-implementation.
 */
public final class Promtool {
  /** What promtool printed (stdout and stderr together) and its exit code. */
  public record Result(int exitCode, String output) {
    public boolean clean() {
      return exitCode == 0 && output.isBlank();
    }
  }

  private Promtool() {}

  /** The binary on the PATH, or a failure that says how to get it. */
  public static Path binary(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    throw new AssertionError(name + " is not on the PATH: install the Debian package 'prometheus'"
        + " (apt-get install -y prometheus; .ci/run does so)");
  }

  /** {@code promtool check metrics} on a scrape: lint problems are printed, one a line. */
  public static Result checkMetrics(String exposition) {
    return run(exposition, List.of(binary("promtool").toString(), "check", "metrics"), null);
  }

  /** {@code promtool test rules} on unit-test files, run in {@code dir} (rule files resolve against it). */
  public static Result testRules(Path dir, Path... testFiles) {
    List<String> cmd = new java.util.ArrayList<>(List.of(binary("promtool").toString(), "test", "rules"));
    for (Path f : testFiles) {
      cmd.add(f.toAbsolutePath().toString());
    }
    return run("", cmd, dir);
  }

  /** {@code promtool check rules} on rule files. */
  public static Result checkRules(Path... ruleFiles) {
    List<String> cmd = new java.util.ArrayList<>(List.of(binary("promtool").toString(), "check", "rules"));
    for (Path f : ruleFiles) {
      cmd.add(f.toAbsolutePath().toString());
    }
    return run("", cmd, null);
  }

  private static Result run(String stdin, List<String> command, Path dir) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      if (dir != null) {
        pb.directory(dir.toFile());
      }
      Process p = pb.start();
      // Written from another thread: a large scrape would fill the pipe while promtool writes too.
      Thread feeder = Thread.ofVirtual().start(() -> {
        try (var in = p.getOutputStream()) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException ignored) {
          // promtool exited early; its output says why
        }
      });
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("promtool did not finish in 60 s: " + command);
      }
      feeder.join();
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
