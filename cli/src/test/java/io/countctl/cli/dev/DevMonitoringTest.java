package io.countctl.cli.dev;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.countctl.api.config.AckMode;
import io.countctl.core.config.FreePort;
import io.countctl.testkit.monitoring.Promtool;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitoring kit against a running {@code countctl dev} platform (edge, worker, downtime handler
 * and region merge, the last with a peer that never answers): every component's {@code /metrics}
 * passes {@code promtool check metrics} after traffic, and a real Prometheus (Debian's
 * {@code prometheus}) scraping them evaluates every query of the chart's Grafana dashboard without
 * error, with data in the main panels.
 */
class DevMonitoringTest {
  static final Path DASHBOARD = Path.of("..", "charts", "count-operator", "files", "dashboard.json");
  /** Panels that must show data on a platform taking writes (titles start with these). */
  static final List<String> MAIN_PANELS = List.of("Throughput", "Latency", "Lag");
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  static DevPlatform platform;
  static Map<String, String> targets; // component -> host:port
  static InputStream stream;

  @BeforeAll
  static void start() throws Exception {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    platform = new DevPlatform(new DevPlatform.Options(dir.resolve("data"), 0, AckMode.DURABLE, 5, 1, 2, "mon", false,
        "local", FreePort.pick(), "far=http://127.0.0.1:" + FreePort.pick(), DevPlatform.LOOPBACK), quiet).start();
    targets = new LinkedHashMap<>();
    targets.put("edge", "127.0.0.1:" + platform.edge().port());
    targets.put("worker", "127.0.0.1:" + platform.workers().getFirst().httpPort());
    targets.put("downtime-handler", "127.0.0.1:" + platform.downtime().port());
    targets.put("region-merge", "127.0.0.1:" + platform.merger().port());
    // An open SSE stream, so the SSE gauges and the fan-out have something to show.
    stream = HTTP.send(HttpRequest.newBuilder(edge("/v1/post/likes/stream")).build(),
        HttpResponse.BodyHandlers.ofInputStream()).body();
    traffic(50);
  }

  @AfterAll
  static void stop() throws Exception {
    if (stream != null) {
      stream.close();
    }
    if (platform != null) {
      platform.close();
    }
  }

  static URI edge(String path) {
    return URI.create("http://" + targets.get("edge") + path);
  }

  /** Writes, reads and a bad request (a 4xx in the status breakdown). */
  static void traffic(int writes) throws Exception {
    for (int i = 0; i < writes; i++) {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(edge("/v1/post" + (i % 5) + "/likes"))
          .PUT(HttpRequest.BodyPublishers.ofString("{\"action\":\"increment\"}"))
          .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
    }
    HTTP.send(HttpRequest.newBuilder(edge("/v1/post0/likes")).build(), HttpResponse.BodyHandlers.discarding());
    HTTP.send(HttpRequest.newBuilder(edge("/v1/post0/likes")).PUT(HttpRequest.BodyPublishers.ofString("{"))
        .build(), HttpResponse.BodyHandlers.discarding());
  }

  static String get(String url) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), url + ": " + r.body());
    return r.body();
  }

  @Test
  void everyComponentsMetricsPassPromtool() throws Exception {
    for (var t : targets.entrySet()) {
      String scrape = get("http://" + t.getValue() + "/metrics");
      // Kept for a look at what each component exposes (docs/operations.md lists the families).
      Files.createDirectories(Path.of("target", "monitoring"));
      Files.writeString(Path.of("target", "monitoring", t.getKey() + ".prom"), scrape);
      Promtool.Result lint = Promtool.checkMetrics(scrape);
      assertEquals("", lint.output().strip(), "promtool check metrics on the " + t.getKey() + "'s /metrics");
      assertEquals(0, lint.exitCode(), t.getKey());
    }
    String edge = get("http://" + targets.get("edge") + "/metrics");
    assertTrue(edge.contains("# TYPE count_edge_http_request_duration_seconds histogram"), "latency is a histogram");
    assertTrue(edge.contains("count_edge_http_responses_total{"), "responses by status");
  }

  @Test
  void prometheusScrapesTheDevPlatformAndEveryDashboardQueryEvaluates() throws Exception {
    int port = FreePort.pick();
    Path config = dir.resolve("prometheus.yml");
    StringBuilder yml = new StringBuilder("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n");
    targets.forEach((component, hostPort) -> yml.append("  - job_name: ").append(component)
        .append("\n    static_configs:\n      - targets: ['").append(hostPort).append("']\n"));
    Files.writeString(config, yml);
    Process prometheus = new ProcessBuilder(Promtool.binary("prometheus").toString(),
        "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("tsdb"),
        "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    try {
      String api = "http://127.0.0.1:" + port + "/api/v1/query?query=";
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
          .until(() -> result(get(api + enc("sum(up)"))).path(0).path("value").path(1).asText().equals("4"));
      JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
      // Keep writing until the rates and histograms of the main panels have two samples to work on.
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
        traffic(10);
        return emptyMainPanels(dashboard, api).isEmpty();
      });
      List<String> failures = new ArrayList<>();
      for (JsonNode panel : dashboard.get("panels")) {
        for (JsonNode target : panel.get("targets")) {
          String expr = concrete(target.get("expr").asText());
          HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api + enc(expr))).build(),
              HttpResponse.BodyHandlers.ofString());
          JsonNode body = new ObjectMapper().readTree(r.body());
          if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            failures.add(panel.get("title").asText() + ": " + expr + " -> " + r.body());
          }
        }
      }
      assertEquals(List.of(), failures);
      String variable = dashboard.at("/templating/list/1/definition").asText(); // label_values(metric, label)
      String metric = variable.substring(variable.indexOf('(') + 1, variable.indexOf(','));
      assertEquals(Set.of("mon"), Set.of(get("http://127.0.0.1:" + port + "/api/v1/label/cluster/values?match[]="
          + enc(metric)).replaceAll(".*\\[\"?|\"?\\].*", "").split("\",\"")), "the cluster variable finds the platform");
    } finally {
      prometheus.destroy();
      if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly();
      }
    }
  }

  static List<String> emptyMainPanels(JsonNode dashboard, String api) throws Exception {
    List<String> empty = new ArrayList<>();
    for (JsonNode panel : dashboard.get("panels")) {
      String title = panel.get("title").asText();
      if (MAIN_PANELS.stream().anyMatch(title::startsWith)) {
        for (JsonNode target : panel.get("targets")) {
          JsonNode values = result(get(api + enc(concrete(target.get("expr").asText()))));
          boolean data = false;
          for (JsonNode v : values) {
            data |= !v.path("value").path(1).asText().equals("NaN");
          }
          if (!data) {
            empty.add(title + " / " + target.get("legendFormat").asText());
          }
        }
      }
    }
    return empty;
  }

  /** The query Grafana sends once its variables are filled in: all clusters, a 1 m rate window. */
  static String concrete(String expr) {
    assertFalse(expr.isBlank());
    return expr.replace("$__rate_interval", "1m").replace("$cluster", ".*");
  }

  static JsonNode result(String body) throws Exception {
    JsonNode json = new ObjectMapper().readTree(body);
    assertEquals("success", json.path("status").asText(), body);
    return json.path("data").path("result");
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
