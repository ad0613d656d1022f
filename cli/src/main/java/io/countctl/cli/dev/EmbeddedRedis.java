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
 * restarts. A Redis left running by a previous run that was killed (kill -9 of this JVM orphans
 * it, and it keeps the port) is found through its pid file and stopped first.
 */
public final class EmbeddedRedis implements AutoCloseable {
  private final RedisServer server;
  private final int port;

  private EmbeddedRedis(RedisServer server, int port) {
    this.server = server;
    this.port = port;
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
          .build();
      server.start();
      return new EmbeddedRedis(server, port);
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
    return URI.create("redis://127.0.0.1:" + port);
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

}
