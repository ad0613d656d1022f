package io.countctl.operator.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.testkit.monitoring.Promtool;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's alert rules (charts/count-operator/files/alerts.yaml, the file its PrometheusRule
 * wraps) under {@code promtool}: they are valid, and the unit tests in
 * src/test/resources/monitoring/alerts_test.yaml show each alert firing on its condition and quiet
 * on healthy series.
 */
class AlertRulesTest {
  static final Path RULES = Path.of("..", "charts", "count-operator", "files", "alerts.yaml");

  @Test
  void rulesAreValid() {
    Promtool.Result r = Promtool.checkRules(RULES);
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(r.output().contains("SUCCESS: 6 rules found"), r.output());
  }

  @Test
  void eachAlertFiresOnItsConditionAndStaysQuietOtherwise(@TempDir Path dir) throws Exception {
    Files.copy(RULES, dir.resolve("alerts.yaml"));
    Files.copy(Path.of("src", "test", "resources", "monitoring", "alerts_test.yaml"), dir.resolve("alerts_test.yaml"));
    String tests = Files.readString(dir.resolve("alerts_test.yaml"));
    java.util.regex.Matcher alert = java.util.regex.Pattern.compile("- alert: (\\w+)").matcher(Files.readString(RULES));
    while (alert.find()) {
      assertTrue(tests.contains("alertname: " + alert.group(1)), alert.group(1) + " has a unit test");
    }
    Promtool.Result r = Promtool.testRules(dir, dir.resolve("alerts_test.yaml"));
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(r.output().contains("SUCCESS"), r.output());
  }
}
