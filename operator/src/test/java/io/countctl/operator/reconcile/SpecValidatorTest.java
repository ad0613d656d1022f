package io.countctl.operator.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.api.model.CounterOptions;
import io.countctl.api.model.DistributedCounter;
import io.countctl.api.model.PeerSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {
  static DistributedCounter sample() {
    return io.countctl.operator.Samples.singleRegion();
  }

  @Test
  void samplesAreValid() throws IOException {
    assertEquals(List.of(), SpecValidator.problems(sample()));
    assertEquals(List.of(), SpecValidator.problems(io.countctl.operator.Samples.multiRegion()));
  }

  static List<Arguments> invalid() {
    return List.of(
        Arguments.of("spec.redis.url", (Consumer<DistributedCounter>) dc -> dc.getSpec().getRedis().setUrl("http://redis:6379")),
        Arguments.of("spec.kafka.bootstrapServers", (Consumer<DistributedCounter>) dc -> dc.getSpec().getKafka().setBootstrapServers("kafka")),
        Arguments.of("spec.kafka.bootstrapServers", (Consumer<DistributedCounter>) dc -> dc.getSpec().getKafka().setBootstrapServers(null)),
        Arguments.of("spec.flushIntervalMs", (Consumer<DistributedCounter>) dc -> dc.getSpec().setFlushIntervalMs(0)),
        Arguments.of("spec.flushIntervalMs", (Consumer<DistributedCounter>) dc -> dc.getSpec().setFlushIntervalMs(60_001)),
        Arguments.of("spec.edge.replicas", (Consumer<DistributedCounter>) dc -> dc.getSpec().getEdge().setReplicas(0)),
        Arguments.of("spec.edge.cors.allowedOrigins[1]", (Consumer<DistributedCounter>) dc -> dc.getSpec().getEdge()
            .setCors(new io.countctl.api.model.CorsSpec(List.of("https://app.example", "https://app.example/path")))),
        Arguments.of("spec.edge.cors.allowedOrigins", (Consumer<DistributedCounter>) dc -> dc.getSpec().getEdge()
            .setCors(new io.countctl.api.model.CorsSpec(List.of("*", "https://app.example")))),
        Arguments.of("spec.worker.replicas", (Consumer<DistributedCounter>) dc -> dc.getSpec().getWorker().setReplicas(-1)),
        Arguments.of("spec.region", (Consumer<DistributedCounter>) dc -> dc.getSpec().setRegion("EU West")),
        Arguments.of("spec.peers[0].region", (Consumer<DistributedCounter>) dc -> dc.getSpec().setPeers(List.of(new PeerSpec("eu-west", "http://x")))),
        Arguments.of("spec.peers[0].url", (Consumer<DistributedCounter>) dc -> dc.getSpec().setPeers(List.of(new PeerSpec("us", "ftp://x")))),
        Arguments.of("spec.regionMerge.serviceType", (Consumer<DistributedCounter>) dc -> {
          dc.getSpec().setRegionMerge(new io.countctl.api.model.RegionMergeSpec());
          dc.getSpec().getRegionMerge().setServiceType("ExternalName");
        }),
        Arguments.of("spec.peerSecretRef.name", (Consumer<DistributedCounter>) dc -> dc.getSpec().setPeerSecretRef(
            new io.countctl.api.model.SecretKeyRef("Count_Peers", "secret"))),
        Arguments.of("spec.peerSecretRef.key", (Consumer<DistributedCounter>) dc -> dc.getSpec().setPeerSecretRef(
            new io.countctl.api.model.SecretKeyRef("count-peers", null))),
        Arguments.of("spec.counters[2].name", (Consumer<DistributedCounter>) dc -> dc.getSpec().getCounters().add(
            new CounterOptions("likes"))),
        Arguments.of("spec.counters[1].topK", (Consumer<DistributedCounter>) dc -> dc.getSpec().getCounters().get(1).setTopK(5000)),
        Arguments.of("spec.counters[1].topK", (Consumer<DistributedCounter>) dc -> dc.getSpec().getCounters().get(1).setTopK(-1)),
        Arguments.of("spec.counters[1].uniqueLgK", (Consumer<DistributedCounter>) dc -> dc.getSpec().getCounters().get(1).setUniqueLgK(9)),
        Arguments.of("spec.counters[1].uniqueLgK", (Consumer<DistributedCounter>) dc -> dc.getSpec().getCounters().get(1).setUniqueLgK(17)),
        Arguments.of("spec.counters[1].windows[1]", (Consumer<DistributedCounter>) dc -> dc.getSpec().getCounters().get(1)
            .setWindows(List.of("1h", "2h"))),
        Arguments.of("spec.counters[1].windows[2]", (Consumer<DistributedCounter>) dc -> dc.getSpec().getCounters().get(1)
            .setWindows(List.of("1h", "all", "1h"))),
        Arguments.of("spec.counters[1].windows", (Consumer<DistributedCounter>) dc -> dc.getSpec().getCounters().get(1)
            .setWindows(List.of())),
        Arguments.of("spec.counters[1].windows", (Consumer<DistributedCounter>) dc -> {
          dc.getSpec().getCounters().get(1).setTopK(0);
          dc.getSpec().getCounters().get(1).setWindows(List.of("1h"));
        }),
        Arguments.of("metadata.name", (Consumer<DistributedCounter>) dc -> dc.getMetadata().setName("x".repeat(41))),
        Arguments.of("metadata.name", (Consumer<DistributedCounter>) dc -> dc.getMetadata().setName("1likes")));
  }

  @Test
  void theMessagesSayWhatIsAllowed() {
    DistributedCounter dc = sample();
    dc.getSpec().getCounters().get(1).setWindows(List.of("2h"));
    dc.getSpec().getCounters().get(1).setUniqueLgK(20);
    assertEquals(List.of("spec.counters[1].uniqueLgK must be between 10 and 16, got 20",
        "spec.counters[1].windows[0] must be one of 1m, 10m, 1h, 24h, all, got '2h'"), SpecValidator.problems(dc));
  }

  @Test
  void everyOptionAtItsBoundsIsValid() {
    DistributedCounter dc = sample();
    dc.getSpec().getCounters().add(new CounterOptions("a", 10, 0, null));
    dc.getSpec().getCounters().add(new CounterOptions("b", 16, 1000, List.of("1m", "10m", "1h", "24h", "all")));
    dc.getSpec().getCounters().add(new CounterOptions("c", null, null, List.of("all")));
    assertEquals(List.of(), SpecValidator.problems(dc));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void aBadFieldIsNamed(String field, Consumer<DistributedCounter> breakIt) {
    DistributedCounter dc = sample();
    breakIt.accept(dc);
    List<String> problems = SpecValidator.problems(dc);
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.getFirst().startsWith(field), problems.getFirst());
  }
}
