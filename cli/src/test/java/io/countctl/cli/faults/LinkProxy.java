package io.countctl.cli.faults;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One direction of a link between two regions: a TCP proxy (Vert.x pipes) in front of a peer's
 * merge endpoint that the test can cut (open connections dropped, new ones refused) and heal.
 */
final class LinkProxy implements AutoCloseable {
  private final NetServer server;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;

  private LinkProxy(NetServer server) {
    this.server = server;
  }

  static LinkProxy start(Vertx vertx, int targetPort) throws Exception {
    NetClient client = vertx.createNetClient();
    LinkProxy[] self = new LinkProxy[1];
    NetServer server = vertx.createNetServer().connectHandler(in -> {
      if (self[0].cut) {
        in.close();
        return;
      }
      in.pause();
      client.connect(targetPort, "127.0.0.1").onComplete(ar -> {
        if (ar.failed() || self[0].cut) {
          in.close();
          if (ar.succeeded()) {
            ar.result().close();
          }
          return;
        }
        NetSocket out = ar.result();
        self[0].open.add(in);
        self[0].open.add(out);
        in.closeHandler(v -> self[0].open.remove(in));
        out.closeHandler(v -> self[0].open.remove(out));
        in.pipeTo(out);
        out.pipeTo(in);
      });
    });
    self[0] = new LinkProxy(server);
    server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    return self[0];
  }

  int port() {
    return server.actualPort();
  }

  void cut() {
    cut = true;
    open.forEach(NetSocket::close);
  }

  void heal() {
    cut = false;
  }

  @Override
  public void close() {
    cut();
    server.close();
  }
}
