package io.countctl.operator.monitoring;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.countctl.api.model.DistributedCounter;
import io.countctl.operator.CountOperator;
import io.countctl.operator.OperatorConfig;
import io.countctl.operator.OperatorMetrics;
import io.countctl.operator.Samples;
import io.countctl.operator.reconcile.ImageDefaults;
import io.countctl.testkit.monitoring.Promtool;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.FileInputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The operator's {@code /metrics} after it reconciled a DistributedCounter passes {@code promtool
 * check metrics}: every family has HELP text and follows Prometheus naming, (the SDK's own meters
 * get theirs from {@link OperatorMetrics}).
 */
@EnableKubernetesMockClient(crud = true)
class OperatorMetricsLintTest {
  static KubernetesClient client;

  @Test
  void operatorMetricsPassPromtoolAfterAReconcile() throws Exception {
    try (var crd = new FileInputStream("../crds/distributedcounters.counters.countctl.io-v1.yml")) {
      client.apiextensions().v1().customResourceDefinitions().load(crd).create();
    }
    PrometheusMeterRegistry metrics = OperatorMetrics.create();
    OperatorConfig config = new OperatorConfig(java.util.Set.of(), false, "count-operator", "test", "test", false, 0,
        new ImageDefaults("registry.example/count", "1.2.3", "IfNotPresent"));
    try (CountOperator operator = new CountOperator(client, config, metrics)) {
      operator.start();
      DistributedCounter dc = Samples.singleRegion();
      dc.getMetadata().setName("lint");
      dc.getMetadata().setNamespace("test");
      client.resource(dc).create();
      await().atMost(Duration.ofSeconds(30)).until(() -> metrics.scrape().contains(OperatorMetrics.RECONCILIATIONS));
      String scrape = metrics.scrape();
      Promtool.Result lint = Promtool.checkMetrics(scrape);
      assertEquals("", lint.output().strip(), "promtool check metrics on the operator's /metrics:\n" + scrape);
      assertEquals(0, lint.exitCode());
    }
  }
}
