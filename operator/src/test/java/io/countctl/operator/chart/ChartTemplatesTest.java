package io.countctl.operator.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ChartTemplatesTest {
  static Map<String, String> env(Container c) {
    return c.getEnv().stream().filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  @Test
  void defaultValuesRenderTheOperatorItsAccountAndItsRole() {
    RenderedChart chart = RenderedChart.render(Map.of());
    assertEquals(4, chart.objects().size(), chart.objects().toString());
    ServiceAccount sa = chart.the(ServiceAccount.class);
    Deployment d = chart.the(Deployment.class);
    ClusterRole role = chart.the(ClusterRole.class);
    ClusterRoleBinding binding = chart.the(ClusterRoleBinding.class);

    assertEquals(RenderedChart.NAMESPACE, d.getMetadata().getNamespace());
    assertEquals(1, d.getSpec().getReplicas());
    var pod = d.getSpec().getTemplate().getSpec();
    assertEquals(sa.getMetadata().getName(), pod.getServiceAccountName());
    Container c = pod.getContainers().getFirst();
    assertEquals("ghcr.io/countctl/operator:0.1.0", c.getImage(), "tag defaults to the appVersion");
    Map<String, String> env = env(c);
    assertEquals("", env.get("COUNT_WATCH_NAMESPACES"), "all namespaces");
    assertEquals("true", env.get("COUNT_LEADER_ELECTION"));
    assertEquals(RenderedChart.NAMESPACE, env.get("COUNT_LEASE_NAMESPACE"));
    assertEquals("ghcr.io/countctl", env.get("COUNT_IMAGE_REGISTRY"));
    assertEquals("0.1.0", env.get("COUNT_IMAGE_TAG"));
    assertEquals("metadata.name", c.getEnv().stream().filter(e -> e.getName().equals("COUNT_LEASE_IDENTITY"))
        .findFirst().orElseThrow().getValueFrom().getFieldRef().getFieldPath());
    assertEquals("/healthz", c.getLivenessProbe().getHttpGet().getPath());
    assertEquals("/readyz", c.getReadinessProbe().getHttpGet().getPath());
    assertEquals("256Mi", c.getResources().getRequests().get("memory").toString());
    assertTrue(pod.getSecurityContext().getRunAsNonRoot());
    assertTrue(pod.getNodeSelector() == null || pod.getNodeSelector().isEmpty(), "no nodeSelector by default");

    assertEquals(role.getMetadata().getName(), binding.getRoleRef().getName());
    assertEquals("ClusterRole", binding.getRoleRef().getKind());
    assertEquals(sa.getMetadata().getName(), binding.getSubjects().getFirst().getName());
    assertEquals(RenderedChart.NAMESPACE, binding.getSubjects().getFirst().getNamespace());
    assertTrue(chart.notes().contains("kubectl get distributedcounters"), chart.notes());
  }

  @Test
  void valuesChangeWhatTheyShould() {
    RenderedChart chart = RenderedChart.render(Map.of(
        "replicaCount", 2,
        "watchNamespaces", List.of("team-a", "team-b"),
        "image", Map.of("tag", "9.9.9"),
        "componentImages", Map.of("registry", "registry.example/count", "tag", "1.2.3"),
        "nodeSelector", Map.of("disk", "ssd")));
    Deployment d = chart.the(Deployment.class);
    assertEquals(2, d.getSpec().getReplicas());
    Container c = d.getSpec().getTemplate().getSpec().getContainers().getFirst();
    assertEquals("ghcr.io/countctl/operator:9.9.9", c.getImage());
    assertEquals("team-a,team-b", env(c).get("COUNT_WATCH_NAMESPACES"));
    assertEquals("registry.example/count", env(c).get("COUNT_IMAGE_REGISTRY"));
    assertEquals("1.2.3", env(c).get("COUNT_IMAGE_TAG"));
    assertEquals(Map.of("disk", "ssd"), d.getSpec().getTemplate().getSpec().getNodeSelector());
  }

  @Test
  void theChartCarriesTheCurrentCrd() throws IOException {
    String file = "distributedcounters.counters.countctl.io-v1.yml";
    assertEquals(Files.readString(Path.of("..", "crds", file)),
        Files.readString(RenderedChart.CHART.resolve("crds").resolve(file)),
        "charts/count-operator/crds/" + file + " differs from crds/: copy it over");
  }

  @Test
  void theRendererRefusesWhatItDoesNotKnow() {
    var helm = new HelmTemplateSubset(Map.of("a", "x"), Map.of("name", "c", "version", "1", "appVersion", "1"), "r", "ns");
    assertEquals("x-\"x\"", helm.render("{{ .Values.a }}-{{ .Values.a | quote }}"));
    assertThrows(IllegalArgumentException.class, () -> helm.render("{{ range .Values.a }}{{ end }}"));
    assertThrows(IllegalArgumentException.class, () -> helm.render("{{ upper .Values.a }}"));
    assertThrows(IllegalArgumentException.class, () -> helm.render("{{ .Values.missing }}"));
    assertThrows(IllegalArgumentException.class, () -> helm.render("{{ .Release.Nmae }}"));
    assertThrows(IllegalArgumentException.class, () -> helm.render("{{ if .Values.a }}open"));
  }
}
