package io.countctl.cli.dev;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * A real Redis for the dev platform: {@code redis-server} from the PATH, else the binary that
 * embedded-redis ships; append-only persistence in the data directory, so counts survive
 * restarts.
 *
 * <p>Redis is a child process, and a kill -9 of this JVM would orphan it (it keeps its port and
 * data dir). Java cannot ask Linux to kill a child with its parent ({@code PR_SET_PDEATHSIG} is
 * not reachable from Java), so a tiny {@code sh} watchdog is started next to it: it polls this
 * JVM's pid twice a second and, once the JVM is gone, stops Redis with SIGTERM (Redis flushes its
 * append-only file and exits), then exits itself. A Redis left running anyway (the watchdog was
 * killed too) is found through its pid file and stopped by the next start.
 */
public final class EmbeddedRedis implements AutoCloseable {
  private static final Path SH = Path.of("/bin/sh");
  /** $1: the JVM, $2: Redis. Stops when either is gone; stops Redis only when the JVM went first. */
  private static final String WATCHDOG = "while kill -0 \"$1\" 2>/dev/null && kill -0 \"$2\" 2>/dev/null; do sleep 0.5; done; "
      + "kill -0 \"$1\" 2>/dev/null || kill -TERM \"$2\" 2>/dev/null";

  private final RedisServer server;
  private final int port;
  private final Optional<Process> watchdog;

  private EmbeddedRedis(RedisServer server, int port, Optional<Process> watchdog) {
    this.server = server;
    this.port = port;
    this.watchdog = watchdog;
  }

  public static EmbeddedRedis start(Path dir, int port, boolean fsyncEveryWrite) {
    try {
      Files.createDirectories(dir);
      Path pidFile = dir.resolve("redis.pid");
      reapOrphan(pidFile);
      RedisServer server = RedisServer.newRedisServer()
          .executableProvider(executable())
          .bind("127.0.0.1")
          .port(port)
          .setting("dir " + dir.toAbsolutePath())
          .setting("pidfile " + pidFile.toAbsolutePath())
          .setting("appendonly yes")
          .setting("appendfsync " + (fsyncEveryWrite ? "always" : "everysec"))
          .setting("save \"\"")
          // Idempotency keys live in 512 hashes per hour (IdempotencyLayout): up to 512 keys each
          // stay in the compact encoding, ~260 000 keyed writes an hour (the *-ziplist-* name is
          // the one both Redis 6 and 7 accept; docs/operations.md says the same for production).
          .setting("hash-max-ziplist-entries 512")
          .build();
      server.start();
      return new EmbeddedRedis(server, port, watchdog(pidFile));
    } catch (IOException e) {
      throw new UncheckedIOException("could not start Redis: " + e.getMessage(), e);
    }
  }

  private static ExecutableProvider executable() {
    try {
      return ExecutableProvider.newExecutableInPath("redis-server");
    } catch (FileNotFoundException e) {
      return ExecutableProvider.newJarResourceProvider();
    }
  }

  /** Starts the watchdog that stops Redis when this JVM dies; none where there is no /bin/sh. */
  private static Optional<Process> watchdog(Path pidFile) throws IOException {
    if (!Files.isExecutable(SH)) {
      return Optional.empty();
    }
    long redisPid = redisPid(pidFile);
    Process p = new ProcessBuilder(SH.toString(), "-c", WATCHDOG, "count-dev-redis-watchdog",
        Long.toString(ProcessHandle.current().pid()), Long.toString(redisPid))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    return Optional.of(p);
  }

  /** Redis writes its pid file as it starts; embedded-redis returns once it accepts connections. */
  private static long redisPid(Path pidFile) throws IOException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        String text = Files.readString(pidFile).trim();
        if (!text.isEmpty()) {
          return Long.parseLong(text);
        }
      } catch (java.nio.file.NoSuchFileException | NumberFormatException e) {
        // not written yet
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("Redis wrote no pid file at " + pidFile);
      }
      try {
        Thread.sleep(20); // a file appears: nothing to wait on but polling
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted waiting for " + pidFile, e);
      }
    }
  }

  /** Stops a redis-server that a killed previous run left behind on this data directory. */
  static void reapOrphan(Path pidFile) throws IOException {
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readString(pidFile).trim());
    } catch (NumberFormatException e) {
      Files.delete(pidFile);
      return;
    }
    Optional<ProcessHandle> orphan = ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(EmbeddedRedis::isRedis);
    if (orphan.isPresent()) {
      System.err.println("stopping Redis (pid " + pid + ") left running by a previous countctl dev");
      orphan.get().destroy(); // SIGTERM: Redis flushes its append-only file and exits
      try {
        orphan.get().onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        orphan.get().destroyForcibly();
      }
    }
    Files.deleteIfExists(pidFile);
  }

  private static boolean isRedis(ProcessHandle p) {
    try {
      String cmdline = Files.readString(Path.of("/proc/" + p.pid() + "/cmdline")).replace('\0', ' ');
      return cmdline.contains("redis-server");
    } catch (IOException e) {
      return p.info().command().map(c -> c.contains("redis-server")).orElse(false);
    }
  }

  public URI url() {
    return url(port);
  }

  /** Where clients reach a Redis of this class on {@code port}: known before it starts. */
  static URI url(int port) {
    return URI.create("redis://127.0.0.1:" + port);
  }

  @Override
  public void close() {
    watchdog.ifPresent(Process::destroy);
    try {
      server.stop();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

}
