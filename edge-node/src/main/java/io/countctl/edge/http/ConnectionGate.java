package io.countctl.edge.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The door of the public port, shared by every server instance (event loop). Vert.x has options
 * for sizes and idle time but none for these, so they are kept here:
 *
 * <ul>
 *   <li>a cap on open connections: a connection accepted past it gets {@code 503} + {@code
 *       Retry-After} on its requests and is closed, so a flood cannot hold the edge's memory;
 *   <li>per connection, how many SSE streams it opened in the last minute ({@link #mayOpenStream}).
 * </ul>
 *
 * <p>(A request head dribbled a byte at a time needs nothing here: Vert.x's idle timer only sees
 * decoded messages, so an unfinished head is silence and the idle timeout closes it.)
 */
public final class ConnectionGate {
  private final HttpLimits limits;
  private final AtomicInteger open = new AtomicInteger();
  /** Open connections accepted past the cap: while none, requests skip the per-connection lookup. */
  private final AtomicInteger overCapOpen = new AtomicInteger();
  private final ConcurrentHashMap<HttpConnection, Client> clients = new ConcurrentHashMap<>();

  public ConnectionGate(HttpLimits limits) {
    this.limits = limits;
  }

  /** What the edge knows of one connection; touched only on the connection's event loop. */
  private static final class Client {
    final boolean overCap;
    final ArrayDeque<Long> streamOpens = new ArrayDeque<>();

    Client(boolean overCap) {
      this.overCap = overCap;
    }
  }

  /** The server's connection handler. */
  public void accept(HttpConnection connection) {
    Client client = new Client(open.incrementAndGet() > limits.maxConnections());
    if (client.overCap) {
      overCapOpen.incrementAndGet();
    }
    clients.put(connection, client);
    connection.closeHandler(v -> {
      clients.remove(connection);
      open.decrementAndGet();
      if (client.overCap) {
        overCapOpen.decrementAndGet();
      }
    });
  }

  /** Wraps the router: every request passes the connection cap first. */
  public Handler<HttpServerRequest> requests(Handler<HttpServerRequest> next) {
    return request -> {
      if (overCapOpen.get() == 0) {
        next.handle(request);
        return;
      }
      Client client = clients.get(request.connection());
      if (client != null && client.overCap) {
        MalformedRequests.answer(request, 503, "too_many_connections", "this edge holds " + limits.maxConnections()
            + " connections at most; retry later or on another edge", true);
        return;
      }
      next.handle(request);
    };
  }

  /**
   * Whether the request's connection may open one more SSE stream now (at most {@code
   * maxStreamOpensPerMinute} in any minute); counts it if so. Call on the request's event loop.
   */
  boolean mayOpenStream(HttpServerRequest request) {
    Client client = clients.get(request.connection());
    if (client == null) {
      return true;
    }
    long now = System.nanoTime();
    while (!client.streamOpens.isEmpty() && now - client.streamOpens.peekFirst() > TimeUnit.MINUTES.toNanos(1)) {
      client.streamOpens.pollFirst();
    }
    if (client.streamOpens.size() >= limits.maxStreamOpensPerMinute()) {
      return false;
    }
    client.streamOpens.addLast(now);
    return true;
  }

  /** Open connections on the public port. */
  public int connections() {
    return open.get();
  }
}
