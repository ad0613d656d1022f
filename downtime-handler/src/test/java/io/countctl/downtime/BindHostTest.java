package io.countctl.downtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.countctl.downtime.support.Api;
import io.countctl.testkit.RedisTestServer;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** {@code COUNT_HTTP_HOST}: loopback keeps the API off the network; the pod default opens it. */
class BindHostTest {
  static InetAddress networkAddress() {
    try {
      return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
          .filter(i -> {
            try {
              return i.isUp() && !i.isLoopback();
            } catch (SocketException e) {
              return false;
            }
          })
          .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
          .filter(a -> a instanceof Inet4Address && !a.isLinkLocalAddress())
          .findFirst().orElse(null);
    } catch (SocketException e) {
      return null;
    }
  }

  static void connect(InetAddress address, int port) throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), 2_000);
    }
  }

  @Test
  void loopbackIsNotReachableFromTheNetworkAndEveryInterfaceIs() throws Exception {
    InetAddress external = networkAddress();
    assertNotNull(external, "this test needs a non-loopback IPv4 address");
    try (RedisTestServer redis = RedisTestServer.start()) {
      DowntimeConfig base = Api.config("bind", redis.url(), "default", false, Duration.ofMinutes(1));
      assertEquals("127.0.0.1", base.httpHost());
      try (DowntimeHandler handler = DowntimeHandler.start(base)) {
        connect(InetAddress.getLoopbackAddress(), handler.port());
        assertThrows(ConnectException.class, () -> connect(external, handler.port()));
      }
      try (DowntimeHandler handler = DowntimeHandler.start(new DowntimeConfig(base.cluster(), base.redisUrl(), 0,
          "0.0.0.0", base.namespace(), false, base.heartbeatTimeout(), base.internalSecret(), base.frontendAllowList()))) {
        connect(external, handler.port());
      }
    }
  }
}
