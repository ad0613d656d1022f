package io.countctl.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.api.model.DistributedCounter;
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
        "crds/" + FILE + " is stale: the model in io.countctl.api.model changed. Run\n  cp api/"
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

  /** {@code kubectl explain distributedcounter.spec.counters}: bounds, the windows allowed and the defaults. */
  @Test
  void counterOptionsAreBoundedAndSayTheirDefaults() throws IOException {
    CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(CHECKED_IN), CustomResourceDefinition.class);
    var counter = crd.getSpec().getVersions().getFirst().getSchema().getOpenAPIV3Schema().getProperties().get("spec")
        .getProperties().get("counters").getItems().getSchema();
    var options = counter.getProperties();
    assertEquals(java.util.Set.of("name", "uniqueLgK", "topK", "windows"), options.keySet(), "no 'unique' any more");
    assertEquals(10.0, options.get("uniqueLgK").getMinimum());
    assertEquals(16.0, options.get("uniqueLgK").getMaximum());
    assertEquals(0.0, options.get("topK").getMinimum());
    assertEquals(1000.0, options.get("topK").getMaximum());
    var windows = options.get("windows");
    assertEquals("array", windows.getType());
    assertEquals(5L, windows.getMaxItems());
    var pattern = java.util.regex.Pattern.compile(windows.getItems().getSchema().getPattern());
    for (String w : io.countctl.api.model.CounterSpecs.WINDOWS) {
      assertTrue(pattern.matcher(w).matches(), w);
    }
    for (String w : java.util.List.of("2h", "1d", "ALL", "1h+all", "")) {
      assertTrue(!pattern.matcher(w).matches(), w);
    }
    assertTrue(windows.getXKubernetesValidations().getFirst().getRule().contains("exists_one"), "no window twice");
    assertTrue(counter.getXKubernetesValidations().getFirst().getRule().contains("self.topK == 0"),
        "no windows when top-K is off");
    assertTrue(options.get("uniqueLgK").getDescription().contains("unset: 13"), options.get("uniqueLgK").getDescription());
    assertTrue(options.get("topK").getDescription().contains("unset: 32")
        && options.get("topK").getDescription().contains("0 turns top-K off"), options.get("topK").getDescription());
    assertTrue(windows.getDescription().contains("unset: all five"), windows.getDescription());
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
