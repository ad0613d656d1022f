package io.countctl.cli.dev;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.api.config.AckMode;
import io.countctl.cli.CountCtl;
import io.countctl.testkit.FreePorts;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** {@code countctl dev}: real embedded Kafka and Redis, restarts, and a kill -9 of the whole process. */
class DevPlatformTest {
  @TempDir Path dir;
  final List<AutoCloseable> running = new ArrayList<>();
  final List<Process> children = new ArrayList<>();
  final PrintStream quiet = new PrintStream(new ByteArrayOutputStream());

  @AfterEach
  void cleanUp() throws Exception {
    for (Process p : children) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).close();
    }
    EmbeddedRedis.reapOrphan(dir.resolve("redis/redis.pid")); // a killed child's Redis
  }

  DevPlatform start(boolean infraOnly, int port) {
    DevPlatform p = new DevPlatform(new DevPlatform.Options(dir, port, AckMode.DURABLE, 5, 1, 2, "devtest", infraOnly), quiet).start();
    running.add(p);
    return p;
  }

  @Test
  void infraOnlyRunsRealKafkaAndRedisAndARestartKeepsTheirData() throws Exception {
    DevPlatform first = start(true, 0);
    String kafka = first.kafkaBootstrap();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka))) {
      admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    try (Jedis j = new Jedis(URI.create(first.redisUrl()))) {
      assertEquals("PONG", j.ping());
      j.set("kept", "yes");
    }
    first.close();
    running.remove(first);

    DevPlatform second = start(true, 0);
    assertEquals(kafka, second.kafkaBootstrap(), "a restart reuses the data directory's ports");
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, second.kafkaBootstrap()))) {
      Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      assertTrue(topics.contains("kept"), "topics survive a restart: " + topics);
    }
    try (Jedis j = new Jedis(URI.create(second.redisUrl()))) {
      assertEquals("yes", j.get("kept"));
    }
  }

  @Test
  void afterKillMinus9EveryAcknowledgedDurableWriteIsStillCounted() throws Exception {
    int port = FreePorts.next();
    Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
        "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "-cp", System.getProperty("java.class.path"), CountCtl.class.getName(),
        "dev", "--data-dir", dir.toString(), "--port", Integer.toString(port), "--partitions", "2", "--cluster", "devtest")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    children.add(child);
    BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    String line;
    boolean up = false;
    StringBuilder banner = new StringBuilder();
    while (!up && System.nanoTime() < deadline && (line = out.readLine()) != null) {
      banner.append(line).append('\n');
      up = line.startsWith("Ctrl-C");
    }
    assertTrue(up, "countctl dev did not start");
    everyPrintedUrlIsOnLoopbackOnly(banner.toString());

    HttpClient http = HttpClient.newHttpClient();
    URI url = URI.create("http://127.0.0.1:" + port + "/v1/survivor/likes");
    int acked = 0;
    for (int i = 0; i < 200; i++) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(url).PUT(HttpRequest.BodyPublishers.ofString(
          "{\"action\":\"increment\"}")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      acked++;
    }
    long redisPid = Long.parseLong(Files.readString(dir.resolve("redis/redis.pid")).trim());
    assertTrue(ProcessHandle.of(redisPid).map(ProcessHandle::isAlive).orElse(false));
    child.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // kill -9: nothing gets to shut down
    // The watchdog notices its JVM is gone and stops Redis: nothing of countctl dev keeps running.
    await("redis-server " + redisPid + " exits with the killed countctl dev").atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> ProcessHandle.of(redisPid).map(h -> !h.isAlive()).orElse(true));

    DevPlatform again = start(false, port); // resumes from the data directory
    int expected = acked;
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(expected, new io.vertx.core.json.JsonObject(r.body()).getLong("count"));
    });

    // Pages of any origin may call the edge of countctl dev (--cors), its console is served.
    HttpResponse<String> cross = http.send(HttpRequest.newBuilder(url).header("Origin", "http://localhost:5173").GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals("*", cross.headers().firstValue("Access-Control-Allow-Origin").orElse(null), cross.headers().toString());
    HttpResponse<String> console = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/console/"))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, console.statusCode());

    // The data commands against the restarted platform.
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, CountCtl.commandLine().execute("inc", "likes", "survivor", "--by", "5", "--url", "http://127.0.0.1:" + port));
      assertEquals(0, CountCtl.commandLine().execute("get", "likes", "survivor", "-o", "json", "--url", "http://127.0.0.1:" + port));
    } finally {
      System.setOut(stdout);
    }
    String text = printed.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("survivor/likes = " + (expected + 5)), text);
    assertTrue(text.contains("\"count\":" + (expected + 5)), text);
    assertTrue(again.edge().port() == port);
  }

  /**
   * {@code countctl dev} binds 127.0.0.1 unless told {@code --host}: each printed URL answers on
   * loopback and refuses a connection on this machine's network address.
   */
  static void everyPrintedUrlIsOnLoopbackOnly(String printed) throws Exception {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:http|redis)://([^:/\\s]+):(\\d+)").matcher(printed);
    List<Integer> ports = new ArrayList<>();
    while (m.find()) {
      assertEquals("127.0.0.1", m.group(1), "printed URLs name the address bound: " + printed);
      ports.add(Integer.parseInt(m.group(2)));
    }
    java.util.regex.Matcher kafka = java.util.regex.Pattern.compile("Kafka\\s+([^:\\s]+):(\\d+)").matcher(printed);
    assertTrue(kafka.find(), printed);
    assertEquals("127.0.0.1", kafka.group(1));
    ports.add(Integer.parseInt(kafka.group(2)));
    assertTrue(ports.size() >= 5, "edge, worker metrics, downtime handler, Redis and Kafka are printed: " + printed);
    java.net.InetAddress external = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
        .filter(i -> { try { return i.isUp() && !i.isLoopback(); } catch (java.net.SocketException e) { return false; } })
        .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
        .filter(a -> a instanceof java.net.Inet4Address && !a.isLinkLocalAddress())
        .findFirst().orElse(null);
    for (int p : ports) {
      try (java.net.Socket s = new java.net.Socket()) {
        s.connect(new java.net.InetSocketAddress("127.0.0.1", p), 2_000);
      }
      if (external != null) { // a machine with no network has nothing to expose
        try (java.net.Socket s = new java.net.Socket()) {
          s.connect(new java.net.InetSocketAddress(external, p), 2_000);
          throw new AssertionError("port " + p + " is reachable on " + external + ": " + printed);
        } catch (java.net.ConnectException expected) {
          // refused: nothing listens there
        }
      }
    }
  }
}
