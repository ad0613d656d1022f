package io.countctl.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OperatorConfigTest {
  @Test
  void defaultsOutsideACluster() {
    OperatorConfig c = OperatorConfig.from(Map.of("HOSTNAME", "op-0"));
    assertTrue(c.watchesAllNamespaces());
    assertFalse(c.leaderElection(), "no leader election outside a cluster");
    assertEquals("op-0", c.leaseIdentity());
    assertEquals(8080, c.httpPort());
    assertEquals("ghcr.io/countctl", c.images().registry());
  }

  @Test
  void inAClusterWithWatchedNamespacesAndImages() {
    OperatorConfig c = OperatorConfig.from(Map.of(
        "KUBERNETES_SERVICE_HOST", "10.0.0.1",
        "COUNT_WATCH_NAMESPACES", "team-a, team-b",
        "COUNT_LEASE_NAMESPACE", "count-system",
        "COUNT_IMAGE_REGISTRY", "registry.example/count",
        "COUNT_IMAGE_TAG", "1.0.0"));
    assertTrue(c.leaderElection());
    assertEquals(Set.of("team-a", "team-b"), c.namespaces());
    assertEquals("count-system", c.leaseNamespace());
    assertEquals("registry.example/count", c.images().registry());
    assertEquals("1.0.0", c.images().tag());
  }

  @Test
  void badValuesAreNamed() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> OperatorConfig.from(Map.of("COUNT_LEADER_ELECTION", "maybe")));
    assertTrue(e.getMessage().contains("COUNT_LEADER_ELECTION"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> OperatorConfig.from(Map.of("COUNT_HTTP_PORT", "http")));
    assertTrue(e.getMessage().contains("COUNT_HTTP_PORT"), e.getMessage());
  }
}
