package io.countctl.testkit;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * A real Redis on a free port with its own data directory and append-only persistence:
 * {@code redis-server} from the PATH when there is one, otherwise the binary that
 * {@code com.github.codemonstur:embedded-redis} ships.
 */
public final class RedisTestServer implements AutoCloseable {
  private final int port;
  private final Path dir;
  private RedisServer server;

  private RedisTestServer(int port, Path dir) {
    this.port = port;
    this.dir = dir;
  }

  public static RedisTestServer start() {
    try {
      RedisTestServer s = new RedisTestServer(FreePorts.next(), Files.createTempDirectory("count-redis"));
      s.startProcess();
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Finds the redis-server binary: the PATH first, then the one inside embedded-redis. */
  public static ExecutableProvider executable() {
    try {
      return ExecutableProvider.newExecutableInPath("redis-server");
    } catch (FileNotFoundException e) {
      return ExecutableProvider.newJarResourceProvider();
    }
  }

  private void startProcess() throws IOException {
    server = RedisServer.newRedisServer()
        .executableProvider(executable())
        .bind("127.0.0.1")
        .port(port)
        .setting("dir " + dir.toAbsolutePath())
        .setting("appendonly yes")
        .setting("appendfsync always")
        .setting("save \"\"")
        .build();
    server.start();
  }

  public URI url() {
    return URI.create("redis://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  /** Stops Redis and starts it again on the same port from its append-only file. */
  public void restart() {
    try {
      server.stop();
      startProcess();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      if (server != null) {
        server.stop();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
