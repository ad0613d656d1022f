package io.countctl.worker.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.config.ConfigException;
import io.countctl.core.config.Settings;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegionMergeConfigTest {
  static RegionMergeConfig from(Map<String, String> extra) {
    Map<String, String> m = new HashMap<>(Map.of(Settings.REDIS_URL, "redis://redis:6379", Settings.REGION, "eu"));
    m.putAll(extra);
    return RegionMergeConfig.from(Settings.of(m));
  }

  @Test
  void theOperatorsSettingsAreReadAndTheMergePortDefaultsToTheHttpPort() {
    RegionMergeConfig c = from(Map.of(Settings.PEERS, "us=http://likes-region-merge.us:8080, ap=https://ap.example/",
        Settings.HTTP_PORT, "8080", "COUNT_INTERNAL_SECRET", "generated"));
    assertEquals(8080, c.port());
    assertEquals(List.of(new Peer("us", URI.create("http://likes-region-merge.us:8080")),
        new Peer("ap", URI.create("https://ap.example/"))), c.peers());
    assertEquals(URI.create("https://ap.example/v1/merge"), c.peers().get(1).mergeUri());
    assertEquals("generated", c.secret(), "without COUNT_PEER_SECRET the internal secret is used");
    assertEquals("shared", from(Map.of("COUNT_PEER_SECRET", "shared", "COUNT_INTERNAL_SECRET", "x")).secret());
    assertEquals(7101, from(Map.of("COUNT_MERGE_PORT", "7101")).port());
  }

  @Test
  void badPeersAreRefusedByName() {
    for (String bad : List.of("eu=http://x:1", "us=http://x:1,us=http://y:2", "us", "US=http://x:1", "us=ftp://x",
        "us=not a url")) {
      ConfigException e = assertThrows(ConfigException.class, () -> from(Map.of(Settings.PEERS, bad)), bad);
      assertTrue(e.getMessage().startsWith("COUNT_PEERS"), e.getMessage());
    }
    assertThrows(ConfigException.class, () -> from(Map.of(Settings.REGION, "Europe West")));
  }
}
