package io.countctl.downtime.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.config.ConfigException;
import java.net.URI;
import org.junit.jupiter.api.Test;

class FrontendAllowListTest {
  static boolean allows(String list, String url) {
    return FrontendAllowList.parse("COUNT_FRONTEND_ALLOW", list).allows(URI.create(url));
  }

  @Test
  void cidrsMatchOnTheirPrefixOnly() {
    assertTrue(allows("10.42.0.0/16", "http://10.42.255.1:8080"));
    assertFalse(allows("10.42.0.0/16", "http://10.43.0.1:8080"));
    assertTrue(allows("172.16.0.0/12", "http://172.31.0.1"));
    assertFalse(allows("172.16.0.0/12", "http://172.32.0.1"));
    assertTrue(allows("fd00::/8", "http://[fd12::1]:8080"));
    assertFalse(allows("fd00::/8", "http://10.0.0.1"), "an IPv4 address is never inside an IPv6 network");
    assertTrue(allows("169.254.0.0/16", "http://169.254.1.1"), "link-local only when named explicitly");
    assertFalse(allows("private,loopback", "http://169.254.169.254"));
  }

  @Test
  void hostNamesMatchBySuffixOrExactlyAndAreNeverResolved() {
    assertTrue(allows(".svc", "http://edge.ns.svc:8080"));
    assertTrue(allows(".svc", "http://edge.ns.svc.:8080"));
    assertFalse(allows(".svc", "http://edge.ns.svc.attacker.io"));
    assertFalse(allows(".svc", "http://svc"));
    assertTrue(allows("edge-1", "http://EDGE-1:8080"));
    assertFalse(allows("edge-1", "http://edge-10:8080"));
    assertFalse(allows("private", "http://localhost.attacker.io"), "no DNS: a name is not an address");
    assertTrue(allows("*", "http://203.0.113.1"));
  }

  @Test
  void badListsNameTheSetting() {
    assertTrue(assertThrows(ConfigException.class, () -> FrontendAllowList.parse("COUNT_FRONTEND_ALLOW", "10.0.0.0/33"))
        .getMessage().contains("COUNT_FRONTEND_ALLOW"));
    assertThrows(ConfigException.class, () -> FrontendAllowList.parse("COUNT_FRONTEND_ALLOW", "not a host"));
    assertThrows(ConfigException.class, () -> FrontendAllowList.parse("COUNT_FRONTEND_ALLOW", " , "));
  }
}
