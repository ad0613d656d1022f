package io.countctl.downtime.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stand-in for an edge's {@code /internal/resubscribe} webhook only: records each call (body and
 * secret header) and answers with a fixed status.
 */
public final class FakeFrontend implements AutoCloseable {
  public record Call(String body, String secret) {}

  private final HttpServer server;
  private final List<Call> calls = new CopyOnWriteArrayList<>();

  private FakeFrontend(int status) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/internal/resubscribe", ex -> {
      calls.add(new Call(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
          ex.getRequestHeaders().getFirst("X-Count-Secret")));
      ex.sendResponseHeaders(status, -1);
      ex.close();
    });
    server.start();
  }

  public static FakeFrontend answering(int status) {
    return new FakeFrontend(status);
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
