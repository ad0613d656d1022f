package io.countctl.cli.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.countctl.core.config.Settings;
import io.countctl.edge.EdgeNode;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The edge as browsers use it, in a real headless Chromium (Debian's {@code chromium}, driven by
 * Selenium through Debian's {@code chromium-driver}), against real Kafka, Redis, a worker and an
 * edge: a page of an allowed origin (served by a JDK HttpServer on another port) writes with
 * {@code fetch} (JSON and plain {@code PUT}), reads, streams with {@code EventSource} and counts with
 * {@code navigator.sendBeacon}; a page of another origin is refused; the live console increments a
 * counter and shows a write made elsewhere within flush + 1 s.
 *
 * <p>Without chromium this test fails (it does not skip): {@code .ci/run} installs it; on a machine
 * of one's own, {@code apt-get install chromium chromium-driver}.
 */
class BrowserEndToEndTest {
  static final long FLUSH_MS = 20;
  static PlatformFixture platform;
  static EdgeNode edge;
  static HttpServer app;
  static HttpServer other;
  static ChromeDriver browser;
  static Path profile;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws IOException {
    Path chromium = find("chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser")
        .orElseThrow(() -> new AssertionError("no chromium on this machine: the browser test needs it."
            + " Install it with: sudo apt-get install -y chromium chromium-driver (.ci/run does this in CI)"));
    Path driver = find("chromedriver", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")
        .orElseThrow(() -> new AssertionError("no chromedriver on this machine: the browser test needs it."
            + " Install it with: sudo apt-get install -y chromium-driver (.ci/run does this in CI)"));
    app = page("app");
    other = page("other");
    platform = PlatformFixture.start("browser", Map.of(
        Settings.FLUSH_MS, Long.toString(FLUSH_MS),
        "COUNT_PARTITIONS", "2",
        "COUNT_SSE_COALESCE_MS", "20",
        "COUNT_INTERNAL_SECRET", "browser-secret")); // the worker pushes to the edge's internal port with it
    platform.startWorker("browser-worker");
    edge = platform.startEdge("browser-edge", Map.of("COUNT_CORS_ORIGINS", origin(app)));
    profile = Files.createTempDirectory("count-chromium-");
    ChromeOptions options = new ChromeOptions().setBinary(chromium.toFile())
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
            "--no-first-run", "--disable-extensions", "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile())
        .usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
    browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(15)).pageLoadTimeout(Duration.ofSeconds(15));
  }

  @AfterAll
  static void stop() throws IOException {
    if (browser != null) {
      browser.quit();
    }
    if (platform != null) {
      platform.close();
    }
    for (HttpServer s : new HttpServer[] {app, other}) {
      if (s != null) {
        s.stop(0);
      }
    }
    if (profile != null) {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  /** A program on the PATH or at one of the usual places. */
  static Optional<Path> find(String name, String... usual) {
    Stream<Path> onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .filter(d -> !d.isBlank()).map(d -> Path.of(d, name));
    return Stream.concat(Stream.of(usual).map(Path::of), onPath).filter(Files::isExecutable).findFirst();
  }

  /** The web site of an app on another origin (another port): one empty page. */
  static HttpServer page(String title) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] html = ("<!doctype html><meta charset=utf-8><title>" + title + "</title><p>" + title)
        .getBytes(StandardCharsets.UTF_8);
    s.createContext("/", exchange -> {
      exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
      exchange.sendResponseHeaders(200, html.length);
      try (var out = exchange.getResponseBody()) {
        out.write(html);
      }
    });
    s.start();
    return s;
  }

  static String origin(HttpServer s) {
    return "http://127.0.0.1:" + s.getAddress().getPort();
  }

  static String edgeUrl() {
    return "http://127.0.0.1:" + edge.port();
  }

  /** Runs {@code body} in the page as an async function; its result, or "error: …" when it threw. */
  static String run(String body) {
    Object r = ((JavascriptExecutor) browser).executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
            + "(async () => {" + body + "})().then(v => done(String(v)), e => done('error: ' + e));");
    return String.valueOf(r);
  }

  static long count(String id, String counter) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(edgeUrl() + "/v1/" + id + "/" + counter))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getLong("count");
  }

  /** A write made elsewhere: a plain HTTP client, no browser. */
  static long increment(String id, String counter) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(edgeUrl() + "/v1/" + id + "/" + counter))
        .PUT(HttpRequest.BodyPublishers.ofString("{\"action\":\"increment\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getLong("count");
  }

  @Test
  void aPageOfAnAllowedOriginWritesReadsAndStreams() throws Exception {
    browser.get(origin(app) + "/");
    String url = edgeUrl() + "/v1/page-1/likes";
    assertEquals("1", run("const r = await fetch('" + url + "', {method: 'PUT',"
        + " headers: {'Content-Type': 'application/json', 'Idempotency-Key': 'page-1-a'},"
        + " body: JSON.stringify({action: 'increment'})});"
        + " if (!r.ok) throw new Error('HTTP ' + r.status); return (await r.json()).count;"), "fetch PUT with JSON");
    assertEquals("3", run("const r = await fetch('" + url + "', {method: 'PUT', body: '{\"action\":\"increment\",\"by\":2}'});"
        + " return (await r.json()).count;"), "fetch with a plain PUT (a text/plain body)");
    assertEquals("3 application/json", run("const r = await fetch('" + url + "');"
        + " return (await r.json()).count + ' ' + r.headers.get('Content-Type');"), "fetch GET");

    // EventSource: the current value, then a write made elsewhere.
    run("window.seen = []; window.stream = new EventSource('" + url + "/stream');"
        + " stream.addEventListener('count', e => seen.push(JSON.parse(e.data).count));"
        + " await new Promise((ok, fail) => { stream.onopen = ok; stream.onerror = () => fail(new Error('stream failed')); });"
        + " return 'open';");
    await().atMost(Duration.ofSeconds(15)).until(() -> run("return seen.join(',')").contains("3"));
    increment("page-1", "likes");
    await().atMost(Duration.ofSeconds(15)).until(() -> run("return seen.join(',')").contains("4"));
    run("stream.close(); return 'closed';");
  }

  @Test
  void sendBeaconCountsAndKeyedPostRetriesCountOnce() throws Exception {
    browser.get(origin(app) + "/");
    assertEquals("true", run("return navigator.sendBeacon('" + edgeUrl() + "/v1/beacon-1/views',"
        + " JSON.stringify({action: 'increment'}));"));
    await().atMost(Duration.ofSeconds(15)).until(() -> count("beacon-1", "views") == 1);

    for (int i = 0; i < 2; i++) { // a client's retry of the same beacon-shaped POST
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(edgeUrl() + "/v1/beacon-2/views"))
          .header("Content-Type", "text/plain;charset=UTF-8").header("Idempotency-Key", "beacon-2-once")
          .POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"increment\"}")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
    }
    await().atMost(Duration.ofSeconds(15)).until(() -> count("beacon-2", "views") == 1);
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> count("beacon-2", "views") == 1);
  }

  @Test
  void aPageOfAnOriginNotAllowedIsRefused() throws Exception {
    browser.get(origin(other) + "/");
    String url = edgeUrl() + "/v1/refused-1/likes";
    String get = run("const r = await fetch('" + url + "'); return r.status;");
    assertTrue(get.startsWith("error: TypeError"), "a read from another origin fails: " + get);
    String put = run("const r = await fetch('" + url + "', {method: 'PUT', headers: {'Content-Type': 'application/json'},"
        + " body: JSON.stringify({action: 'increment'})}); return r.status;");
    assertTrue(put.startsWith("error: TypeError"), "a write from another origin fails: " + put);
    run("return navigator.sendBeacon('" + url + "', JSON.stringify({action: 'increment'}));");
    String stream = run("const s = new EventSource('" + url + "/stream');"
        + " return await new Promise(ok => { s.onopen = () => ok('open'); s.onerror = () => { s.close(); ok('refused'); }; });");
    assertEquals("refused", stream);
    // Nothing was counted: not the fetch, not the beacon (a simple request, sent without preflight).
    await().during(Duration.ofMillis(FLUSH_MS + 500)).atMost(Duration.ofSeconds(5)).until(() -> count("refused-1", "likes") == 0);
  }

  @Test
  void theConsoleIncrementsACounterAndShowsAWriteMadeElsewhereWithinFlushPlusOneSecond() throws Exception {
    browser.get(edgeUrl() + "/console");
    assertEquals("Count console", browser.getTitle());
    // Keyboard only: type the names, Enter watches.
    browser.findElement(By.id("id")).sendKeys("console-1");
    browser.findElement(By.id("counter")).sendKeys("likes", Keys.ENTER);
    await().atMost(Duration.ofSeconds(15)).until(() -> shownCount("console-1/likes").equals("0"));

    WebElement plus = card("console-1/likes").findElement(By.cssSelector("[data-action=inc]"));
    plus.sendKeys(Keys.ENTER);
    await().atMost(Duration.ofSeconds(15)).until(() -> shownCount("console-1/likes").equals("1"));
    assertEquals(1, count("console-1", "likes"));

    // The first change after the stream opened may wait for its subscription to reach the worker.
    increment("console-1", "likes");
    await().atMost(Duration.ofSeconds(15)).until(() -> shownCount("console-1/likes").equals("2"));

    long written = System.nanoTime();
    assertEquals(3, increment("console-1", "likes"));
    await().atMost(Duration.ofMillis(FLUSH_MS + 1_000)).pollInterval(Duration.ofMillis(20))
        .until(() -> shownCount("console-1/likes").equals("3"));
    long ms = (System.nanoTime() - written) / 1_000_000;
    assertTrue(ms <= FLUSH_MS + 1_000, "the console showed the write after " + ms + " ms");

    // A second counter joins the same single stream.
    browser.findElement(By.id("counter")).sendKeys(Keys.chord(Keys.CONTROL, "a"), "views", Keys.ENTER);
    await().atMost(Duration.ofSeconds(15)).until(() -> shownCount("console-1/views").equals("0"));
    assertTrue(browser.findElement(By.id("status")).getText().contains("watching 2 counters over one connection"),
        browser.findElement(By.id("status")).getText());
    assertTrue(browser.getCurrentUrl().endsWith("#console-1%2Flikes,console-1%2Fviews"), browser.getCurrentUrl());
    // A +1 carrying a user and an item: the unique count and the top items follow.
    browser.findElement(By.cssSelector("details summary")).sendKeys(Keys.ENTER);
    browser.findElement(By.id("user")).sendKeys("user-7");
    browser.findElement(By.id("item")).sendKeys("fr");
    plus.sendKeys(Keys.ENTER);
    await().atMost(Duration.ofSeconds(15)).until(() -> shownCount("console-1/likes").equals("4"));
    await().atMost(Duration.ofSeconds(15)).until(() -> card("console-1/likes").findElement(By.cssSelector(".unique"))
        .getText().startsWith("≈ 1 "));
    await().atMost(Duration.ofSeconds(15)).until(() -> card("console-1/likes").findElement(By.cssSelector(".top"))
        .getText().contains("fr — 1"));
    // Regions as the edge reports them.
    await().atMost(Duration.ofSeconds(5)).until(() -> card("console-1/likes").findElement(By.cssSelector(".regions"))
        .getText().contains("local (here) 4"));
  }

  static WebElement card(String key) {
    return browser.findElement(By.cssSelector("li.card[data-key='" + key + "']"));
  }

  static String shownCount(String key) {
    try {
      return card(key).findElement(By.cssSelector(".count")).getText();
    } catch (NoSuchElementException e) {
      return "";
    }
  }
}
