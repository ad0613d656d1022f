package io.countctl.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.operator.api.DistributedCounter;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The CRD checked in under crds/ is the one the build generates from the model. */
class CrdUpToDateTest {
  static final String FILE = "distributedcounters.counters.countctl.io-v1.yml";
  static final Path CHECKED_IN = Path.of("..", "crds", FILE);
  static final Path GENERATED = Path.of("target", "classes", "META-INF", "fabric8", FILE);

  @Test
  void checkedInCrdMatchesTheModel() throws IOException {
    assertTrue(Files.exists(GENERATED), "the build did not generate " + GENERATED);
    assertEquals(Files.readString(GENERATED), Files.readString(CHECKED_IN),
        "crds/" + FILE + " is stale: the model in io.countctl.operator.api changed. Run\n  cp operator/"
            + GENERATED + " crds/\nand commit it.");
  }

  @Test
  void crdDescribesTheResourceOfDesign() throws IOException {
    CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(CHECKED_IN), CustomResourceDefinition.class);
    assertEquals(DistributedCounter.GROUP, crd.getSpec().getGroup());
    assertEquals("DistributedCounter", crd.getSpec().getNames().getKind());
    assertEquals("distributedcounters", crd.getSpec().getNames().getPlural());
    assertTrue(crd.getSpec().getNames().getShortNames().contains("dc"), "kubectl get dc");
    var version = crd.getSpec().getVersions().getFirst();
    assertEquals("v1alpha1", version.getName());
    assertTrue(version.getSubresources().getStatus() != null, "status subresource");
    var columns = version.getAdditionalPrinterColumns().stream().map(c -> c.getName()).toList();
    assertTrue(columns.containsAll(java.util.List.of("Ready", "Edges", "Workers", "Age")), columns.toString());
    var spec = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
    assertEquals(java.util.List.of("kafka", "redis"), spec.getRequired());
    assertEquals(1.0, spec.getProperties().get("edge").getProperties().get("replicas").getMinimum());
    assertEquals(2, spec.getProperties().get("ackMode").getEnum().size());
    assertEquals(1.0, spec.getProperties().get("flushIntervalMs").getMinimum());
    assertEquals(60000.0, spec.getProperties().get("flushIntervalMs").getMaximum());
  }

  /** What {@code kubectl explain distributedcounter.spec} (and each field below it) prints. */
  @Test
  void specStatusAndEveryFieldOfTheSpecAreDescribed() throws IOException {
    CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(CHECKED_IN), CustomResourceDefinition.class);
    var root = crd.getSpec().getVersions().getFirst().getSchema().getOpenAPIV3Schema().getProperties();
    java.util.List<String> undescribed = new java.util.ArrayList<>();
    for (String top : java.util.List.of("spec", "status")) {
      if (root.get(top).getDescription() == null || root.get(top).getDescription().isBlank()) {
        undescribed.add(top);
      }
    }
    root.get("spec").getProperties().forEach((name, p) -> {
      if (p.getDescription() == null || p.getDescription().isBlank()) {
        undescribed.add("spec." + name);
      }
    });
    assertEquals(java.util.List.of(), undescribed, "fields kubectl explain would show without a description");
  }
}
