package io.countctl.operator.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.countctl.operator.Samples;
import io.countctl.operator.dependent.ComponentDeployment;
import io.countctl.operator.dependent.DowntimeHandlerDeploymentDependent;
import io.countctl.operator.dependent.EdgeDeploymentDependent;
import io.countctl.operator.dependent.RegionMergeDeploymentDependent;
import io.countctl.operator.dependent.WorkerDeploymentDependent;
import io.countctl.operator.reconcile.Component;
import io.countctl.operator.reconcile.CounterPlan;
import io.countctl.operator.reconcile.ImageDefaults;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The chart's monitoring kit (values monitoring.*): off by default, and what it renders when on. */
class MonitoringChartTest {
  static final Map<String, Object> ALL_ON = Map.of("monitoring", Map.of(
      "podMonitors", Map.of("enabled", true, "labels", Map.of("release", "kube-prometheus")),
      "prometheusRule", Map.of("enabled", true),
      "dashboard", Map.of("enabled", true)));

  @Test
  void nothingOfTheKitRendersByDefault() {
    RenderedChart chart = RenderedChart.render(Map.of());
    assertEquals(List.of(), chart.ofKind("PodMonitor"));
    assertEquals(List.of(), chart.ofKind("PrometheusRule"));
    assertEquals(List.of(), chart.ofKind("ConfigMap"));
  }

  @Test
  void podMonitorsSelectThePodsTheOperatorDeploysAndTheOperatorItself() {
    RenderedChart chart = RenderedChart.render(ALL_ON);
    Map<String, GenericKubernetesResource> monitors = chart.ofKind("PodMonitor").stream()
        .map(GenericKubernetesResource.class::cast)
        .collect(Collectors.toMap(m -> m.getMetadata().getName(), m -> m));
    assertEquals(5, monitors.size(), monitors.keySet().toString());
    CounterPlan plan = CounterPlan.of(Samples.multiRegion(), ImageDefaults.BUILT_IN);
    Map<Component, ComponentDeployment> deployments = Map.of(
        Component.EDGE, new EdgeDeploymentDependent(), Component.WORKER, new WorkerDeploymentDependent(),
        Component.DOWNTIME_HANDLER, new DowntimeHandlerDeploymentDependent(),
        Component.REGION_MERGE, new RegionMergeDeploymentDependent());
    for (Component c : Component.values()) {
      GenericKubernetesResource m = monitors.get(RenderedChart.RELEASE + "-" + c.label());
      assertTrue(m != null, "a PodMonitor for " + c.label() + " in " + monitors.keySet());
      assertEquals("monitoring.coreos.com/v1", m.getApiVersion());
      assertEquals("kube-prometheus", m.getMetadata().getLabels().get("release"), "extra labels are applied");
      Map<String, String> selector = m.get("spec", "selector", "matchLabels");
      var pod = deployments.get(c).desiredFor(plan).getSpec().getTemplate();
      assertTrue(pod.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()),
          c.label() + ": " + selector + " selects the pods the operator deploys: " + pod.getMetadata().getLabels());
      assertTrue(pod.getSpec().getContainers().getFirst().getPorts().stream()
          .anyMatch(p -> p.getName().equals(endpoint(m).get("port"))), c.label() + " has the port the PodMonitor scrapes");
      assertEquals(Boolean.TRUE, m.get("spec", "namespaceSelector", "any"), "DistributedCounters live in any namespace");
      assertEquals("http", endpoint(m).get("port"), "the operator names the metrics port http");
      assertEquals("/metrics", endpoint(m).get("path"));
      assertEquals("30s", endpoint(m).get("interval"));
    }
    GenericKubernetesResource op = monitors.get(RenderedChart.RELEASE + "-operator");
    Deployment operator = chart.the(Deployment.class);
    Map<String, String> podLabels = operator.getSpec().getTemplate().getMetadata().getLabels();
    Map<String, String> selector = op.get("spec", "selector", "matchLabels");
    assertTrue(podLabels.entrySet().containsAll(selector.entrySet()), selector + " vs " + podLabels);
    assertTrue(operator.getSpec().getTemplate().getSpec().getContainers().getFirst().getPorts().stream()
        .anyMatch(p -> p.getName().equals(endpoint(op).get("port"))));
  }

  @Test
  void thePrometheusRuleCarriesTheAlertFileUnchanged() throws Exception {
    RenderedChart chart = RenderedChart.render(ALL_ON);
    List<HasMetadata> rules = chart.ofKind("PrometheusRule");
    assertEquals(1, rules.size());
    GenericKubernetesResource rule = (GenericKubernetesResource) rules.getFirst();
    assertEquals(RenderedChart.NAMESPACE, rule.getMetadata().getNamespace());
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    JsonNode file = yaml.readTree(Files.readString(RenderedChart.CHART.resolve("files/alerts.yaml")));
    assertEquals(file, yaml.valueToTree(rule.getAdditionalProperties().get("spec")));
    List<String> alerts = file.findValues("alert").stream().map(JsonNode::asText).toList();
    assertEquals(List.of("CountDeadLettersGrowing", "CountWorkerLagHigh", "CountEdgeFlushesFailing",
        "CountEdgeOverloaded", "CountRegionPeerSilent", "CountOperatorReconcileErrors"), alerts);
  }

  @Test
  void theDashboardConfigMapIsPickedUpByTheGrafanaSidecarAndHoldsTheJsonFile() throws Exception {
    RenderedChart chart = RenderedChart.render(ALL_ON);
    ConfigMap cm = chart.the(ConfigMap.class);
    assertEquals("1", cm.getMetadata().getLabels().get("grafana_dashboard"));
    String json = cm.getData().get("count-platform.json");
    String file = Files.readString(RenderedChart.CHART.resolve("files/dashboard.json"));
    assertEquals(file.strip(), json.strip());
    JsonNode dashboard = new ObjectMapper().readTree(json);
    assertEquals("count-platform", dashboard.get("uid").asText());
  }

  @Test
  void eachPartOfTheKitTurnsOnAlone() {
    var only = new HashMap<String, Object>(Map.of("monitoring", Map.of("dashboard", Map.of("enabled", true))));
    RenderedChart chart = RenderedChart.render(only);
    assertEquals(1, chart.ofKind("ConfigMap").size());
    assertEquals(List.of(), chart.ofKind("PodMonitor"));
    assertEquals(List.of(), chart.ofKind("PrometheusRule"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> endpoint(GenericKubernetesResource m) {
    List<Map<String, Object>> endpoints = m.get("spec", "podMetricsEndpoints");
    assertEquals(1, endpoints.size());
    return endpoints.getFirst();
  }
}
