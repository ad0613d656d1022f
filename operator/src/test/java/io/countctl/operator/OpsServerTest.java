package io.countctl.operator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.operator.reconcile.ImageDefaults;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.FileInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The operator's /healthz, /readyz and /metrics (with JOSDK's reconciliation meters). */
@EnableKubernetesMockClient(crud = true)
class OpsServerTest {
  static KubernetesClient client;

  static HttpResponse<String> get(int port, String path) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void healthReadinessAndMetrics() throws Exception {
    try (var crd = new FileInputStream("../crds/distributedcounters.counters.countctl.io-v1.yml")) {
      client.apiextensions().v1().customResourceDefinitions().load(crd).create();
    }
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    OperatorConfig config = new OperatorConfig(Set.of(), false, "count-operator", "default", "ops", false, 0,
        ImageDefaults.BUILT_IN);
    try (CountOperator operator = new CountOperator(client, config, metrics);
        OpsServer ops = new OpsServer(0, operator::healthy, operator::ready, metrics)) {
      assertEquals(503, get(ops.port(), "/readyz").statusCode(), "not ready before it starts");
      operator.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> get(ops.port(), "/readyz").statusCode() == 200);
      assertEquals(200, get(ops.port(), "/healthz").statusCode());
      client.resource(Samples.singleRegion()).inNamespace("default").create();
      await().atMost(Duration.ofSeconds(30)).until(() -> get(ops.port(), "/metrics").body()
          .contains("operator_sdk_reconciliations"));
      HttpResponse<String> scrape = get(ops.port(), "/metrics");
      assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    }
  }
}
