package io.countctl.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.config.ConfigException;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** COUNT_CORS_ORIGINS as the edge parses it. */
class CorsPolicyTest {
  static CorsPolicy parse(String value) {
    return CorsPolicy.parse("COUNT_CORS_ORIGINS", value);
  }

  @Test
  void emptyIsOff() {
    assertEquals(CorsPolicy.OFF, parse(""));
    assertEquals(CorsPolicy.OFF, parse(" , "));
    assertFalse(parse("").enabled());
  }

  @Test
  void starAllowsAnyOrigin() {
    CorsPolicy p = parse("*");
    assertTrue(p.enabled() && p.any());
    assertTrue(p.allows("https://anything.example"));
  }

  @Test
  void aListAllowsExactlyItsOriginsIgnoringCase() {
    CorsPolicy p = parse(" https://app.example , http://127.0.0.1:9000");
    assertEquals(Set.of("https://app.example", "http://127.0.0.1:9000"), p.origins());
    assertTrue(p.allows("https://app.example"));
    assertTrue(p.allows("HTTPS://APP.example"));
    assertTrue(p.allows("http://127.0.0.1:9000"));
    assertFalse(p.allows("http://app.example"), "another scheme is another origin");
    assertFalse(p.allows("https://app.example:8443"), "another port is another origin");
    assertFalse(p.allows("https://evil.example"));
    assertEquals("http://127.0.0.1:9000,https://app.example", p.describe());
  }

  @ParameterizedTest
  @ValueSource(strings = {"app.example", "https://app.example/", "https://app.example/path", "https://*.example",
      "*,https://app.example", "https://a.example https://b.example", "file://x", "ws://app.example"})
  void whatIsNoOriginIsRefusedNamingTheSetting(String value) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(value));
    assertTrue(e.getMessage().startsWith("COUNT_CORS_ORIGINS"), e.getMessage());
  }
}
