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
  private volatile boolean paused;

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
        .setting("pidfile " + pidFile().toAbsolutePath())
        .build();
    server.start();
  }

  private Path pidFile() {
    return dir.resolve("redis.pid");
  }

  /** The running redis-server process (read from its pid file). */
  public ProcessHandle process() {
    try {
      long pid = Long.parseLong(Files.readString(pidFile()).trim());
      return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("redis-server " + pid + " is gone"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * SIGSTOP: Redis freezes with its connections open, as a stuck node or a network partition
   * looks to clients (calls hang; nothing is refused), until {@link #resume}.
   */
  public void pause() {
    signal("STOP");
    paused = true;
  }

  /** SIGCONT after {@link #pause}: Redis goes on with what its clients sent meanwhile. */
  public void resume() {
    signal("CONT");
    paused = false;
  }

  private void signal(String name) {
    long pid = process().pid();
    try {
      // The JDK sends only TERM and KILL; kill(1) sends the rest.
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).redirectErrorStream(true).start();
      String out = new String(kill.getInputStream().readAllBytes());
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("kill -" + name + " " + pid + " failed: " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signalling redis-server", e);
    }
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
      if (paused) {
        resume(); // a stopped process would not act on the stop signal
      }
      if (server != null) {
        server.stop();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
