package io.countctl.cli.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.config.FreePort;
import io.countctl.api.model.ComponentStatus;
import io.countctl.api.model.DistributedCounter;
import io.countctl.api.model.DistributedCounterStatus;
import io.countctl.operator.reconcile.SpecValidator;
import io.countctl.testkit.k8s.KubernetesApiMock;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code countctl create|get|describe|delete} against fabric8's mock API server (CRUD mode, CRD installed). */
class ProvisionCommandsTest {
  static KubernetesApiMock mock;
  static KubernetesClient client;
  static Path kubeconfig;
  @TempDir
  static Path dir;

  @BeforeAll
  static void startCluster() throws IOException {
    mock = KubernetesApiMock.startCrud();
    client = mock.client();
    try (var crd = new FileInputStream("../crds/distributedcounters.counters.countctl.io-v1.yml")) {
      client.apiextensions().v1().customResourceDefinitions().load(crd).create();
    }
    kubeconfig = kubeconfig(dir.resolve("kubeconfig"), client.getMasterUrl().toString());
  }

  @AfterAll
  static void stopCluster() {
    mock.close();
  }

  static Path kubeconfig(Path file, String server) throws IOException {
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: test
          cluster: {server: "%s", insecure-skip-tls-verify: true}
        users:
        - name: test
          user: {token: test-token}
        contexts:
        - name: test
          context: {cluster: test, user: test, namespace: apps}
        current-context: test
        """.formatted(server));
    return file;
  }

  @Test
  void dryRunYamlAppliesAsADistributedCounter() {
    CommandRun run = CommandRun.of("create", "views", "--kafka", "kafka-0.kafka:9092,kafka-1.kafka:9092",
        "--redis", "redis://redis:6379", "--region", "eu-west", "--edges", "3", "--workers", "4", "--flush-ms", "10",
        "--peer", "us-east=http://views-region-merge.us:8080", "--counter", "views:lgk=14:topk=10:windows=1h+all", "--counter", "likes", "--dry-run",
        "--kubeconfig", dir.resolve("no-such-kubeconfig").toString());
    assertEquals(0, run.exitCode(), run.toString());
    DistributedCounter dc = Serialization.unmarshal(run.out(), DistributedCounter.class);
    assertEquals("counters.countctl.io/v1alpha1", dc.getApiVersion());
    assertEquals("DistributedCounter", dc.getKind());
    assertEquals(List.of(), SpecValidator.problems(dc));
    assertEquals(3, dc.getSpec().getEdge().getReplicas());
    assertEquals(4, dc.getSpec().getWorker().getReplicas());
    assertEquals(10, dc.getSpec().getFlushIntervalMs());
    assertEquals("us-east", dc.getSpec().getPeers().getFirst().getRegion());
    assertEquals(10, dc.getSpec().getCounters().getFirst().getTopK());
    assertEquals(14, dc.getSpec().getCounters().getFirst().getUniqueLgK());
    assertEquals(List.of("1h", "all"), dc.getSpec().getCounters().getFirst().getWindows());
    assertEquals(java.util.Map.of("name", "likes"), Serialization.unmarshal(run.out(),
        io.fabric8.kubernetes.api.model.GenericKubernetesResource.class).get("spec", "counters", 1),
        "a counter given no option is just its name");
    assertFalse(run.out().contains("unique:"), run.out());
    assertEquals("views:lgk=14:topk=10:windows=1h+all,likes", io.countctl.operator.reconcile.CounterPlan.of(dc,
        io.countctl.operator.reconcile.ImageDefaults.BUILT_IN).settings().get("COUNT_COUNTER_OPTIONS"));

    DistributedCounter applied = client.resources(DistributedCounter.class).inNamespace("dry").resource(dc).create();
    assertEquals("kafka-0.kafka:9092,kafka-1.kafka:9092", applied.getSpec().getKafka().getBootstrapServers());
    assertEquals("eu-west", client.resources(DistributedCounter.class).inNamespace("dry").withName("views").get()
        .getSpec().getRegion());
  }

  @Test
  void createGetDescribeAndDelete() {
    String cfg = kubeconfig.toString();
    CommandRun created = CommandRun.of("create", "likes", "--kafka", "kafka:9092", "--redis", "redis://redis:6379",
        "--edges", "3", "--counter", "likes", "--counter", "comments:lgk=12:topk=10:windows=all+1h",
        "--counter", "clicks:topk=0", "--kubeconfig", cfg);
    assertEquals(0, created.exitCode(), created.toString());
    assertTrue(created.out().contains("distributedcounter/likes created in apps"), created.out());
    assertEquals(1, CommandRun.of("create", "likes", "--kafka", "kafka:9092", "--redis", "redis://redis:6379",
        "--kubeconfig", cfg).exitCode(), "a second create is refused");

    // What the operator would report.
    DistributedCounter dc = client.resources(DistributedCounter.class).inNamespace("apps").withName("likes").get();
    DistributedCounterStatus status = new DistributedCounterStatus();
    status.setObservedGeneration(dc.getMetadata().getGeneration());
    status.setEdges(new ComponentStatus(3, 3));
    status.setWorkers(new ComponentStatus(2, 1));
    status.setEdgeService("http://likes-edge.apps.svc:8080");
    status.setConditions(List.of(
        new ConditionBuilder().withType("Ready").withStatus("False").withReason("ReplicasNotReady")
            .withMessage("waiting for workers 1/2 ready").withLastTransitionTime("2026-11-22T10:00:00Z").build(),
        new ConditionBuilder().withType("Degraded").withStatus("False").withReason("AsExpected")
            .withMessage("no problem found").withLastTransitionTime("2026-11-22T10:00:00Z").build()));
    dc.setStatus(status);
    client.resources(DistributedCounter.class).inNamespace("apps").resource(dc).updateStatus();

    CommandRun table = CommandRun.of("get", "--kubeconfig", cfg);
    assertEquals(0, table.exitCode(), table.toString());
    String[] lines = table.out().split("\n");
    assertTrue(lines[0].startsWith("NAME") && lines[0].contains("READY") && lines[0].contains("EDGES"), table.out());
    assertTrue(lines[1].startsWith("likes") && lines[1].contains("False") && lines[1].contains("3/3")
        && lines[1].contains("1/2") && lines[1].contains("http://likes-edge.apps.svc:8080"), table.out());

    // -A: every namespace, with a NAMESPACE column as kubectl get -A prints it.
    assertEquals(0, CommandRun.of("create", "views", "--kafka", "kafka:9092", "--redis", "redis://redis:6379",
        "-n", "team-b", "--kubeconfig", cfg).exitCode());
    CommandRun everywhere = CommandRun.of("get", "-A", "--kubeconfig", cfg);
    assertEquals(0, everywhere.exitCode(), everywhere.toString());
    String[] all = everywhere.out().split("\n");
    assertTrue(all[0].matches("NAMESPACE +NAME +READY .*"), everywhere.out());
    assertTrue(java.util.Arrays.stream(all).anyMatch(l -> l.matches("apps +likes +False .*")), everywhere.out());
    assertTrue(java.util.Arrays.stream(all).anyMatch(l -> l.matches("team-b +views .*")), everywhere.out());
    assertFalse(table.out().contains("NAMESPACE"), "one namespace: no NAMESPACE column");
    client.resources(DistributedCounter.class).inNamespace("team-b").withName("views").delete();

    CommandRun json = CommandRun.of("get", "-o", "json", "--kubeconfig", cfg);
    KubernetesList list = Serialization.unmarshal(json.out(), KubernetesList.class);
    assertEquals(1, list == null ? -1 : list.getItems().size(), json.toString());
    CommandRun one = CommandRun.of("get", "likes", "-o", "yaml", "--kubeconfig", cfg);
    assertEquals("likes", Serialization.unmarshal(one.out(), DistributedCounter.class).getMetadata().getName());

    CommandRun describe = CommandRun.of("describe", "likes", "--kubeconfig", cfg);
    assertEquals(0, describe.exitCode(), describe.toString());
    assertTrue(describe.out().contains("Kafka:         kafka:9092"), describe.out());
    assertTrue(describe.out().matches("(?s).*\\nedge +3 +3\\n.*"), describe.out());
    assertTrue(describe.out().matches("(?s).*\\nReady +False +ReplicasNotReady .*waiting for workers 1/2 ready.*"),
        describe.out());
    assertTrue(describe.out().contains("Degraded"), describe.out());
    assertTrue(describe.out().contains("""
        Counters:      likes     unique lgK 13 (default), top-K 32 (default), windows 1m+10m+1h+24h+all (default)
                       comments  unique lgK 12, top-K 10, windows 1h+all
                       clicks    unique lgK 13 (default), top-K off
                       (any other counter: the defaults)
        """), describe.out());

    CommandRun deleted = CommandRun.of("delete", "likes", "--wait", "--timeout", "20s", "--kubeconfig", cfg);
    assertEquals(0, deleted.exitCode(), deleted.toString());
    assertNull(client.resources(DistributedCounter.class).inNamespace("apps").withName("likes").get());
    CommandRun again = CommandRun.of("delete", "likes", "--kubeconfig", cfg);
    assertEquals(1, again.exitCode());
    assertTrue(again.err().contains("distributedcounter/likes not found in namespace apps"), again.err());
  }

  @Test
  void aBadSpecIsRefusedBeforeAnyClusterIsAsked() {
    CommandRun zero = CommandRun.of("create", "x", "--kafka", "k:9092", "--redis", "redis://r:6379", "--edges", "0",
        "--dry-run");
    assertEquals(2, zero.exitCode(), zero.toString());
    assertTrue(zero.err().contains("spec.edge.replicas"), zero.err());
    CommandRun url = CommandRun.of("create", "x", "--kafka", "k:9092", "--redis", "http://r:6379",
        "--kubeconfig", kubeconfig.toString());
    assertEquals(2, url.exitCode(), url.toString());
    assertTrue(url.err().contains("spec.redis.url"), url.err());
    assertNull(client.resources(DistributedCounter.class).inNamespace("apps").withName("x").get());
    CommandRun noKafka = CommandRun.of("create", "x", "--redis", "redis://r:6379", "--dry-run");
    assertEquals(2, noKafka.exitCode());
    assertTrue(noKafka.err().contains("--kafka is required"), noKafka.err());
  }

  @Test
  void counterOptionsAreCheckedAndTheOldUniqueIsRefused() throws IOException {
    String[] base = {"create", "x", "--kafka", "k:9092", "--redis", "redis://r:6379", "--dry-run", "--counter"};
    CommandRun unique = CommandRun.of(with(base, "views:unique:topk=10"));
    assertEquals(2, unique.exitCode(), unique.toString());
    assertTrue(unique.err().contains("'unique' is no longer an option: unique counts need no set-up"), unique.err());
    for (String[] c : List.of(
        new String[] {"views:lgk=20", "spec.counters[0].uniqueLgK must be between 10 and 16, got 20"},
        new String[] {"views:topk=1001", "spec.counters[0].topK must be between 0 and 1000, got 1001"},
        new String[] {"views:windows=1h+2h", "spec.counters[0].windows[1] must be one of 1m, 10m, 1h, 24h, all, got '2h'"},
        new String[] {"views:windows=1h+1h", "spec.counters[0].windows[1] '1h' is listed twice"},
        new String[] {"views:topk=0:windows=1h", "spec.counters[0].windows are kept for top-K, which topK: 0 turns off"},
        new String[] {"views:topk=ten", "topk needs a number, got 'ten'"},
        new String[] {"views:lgk=12:lgk=13", "lgk is given twice"},
        new String[] {"views:top=3", "unknown option 'top=3' (lgk=L, topk=K, windows=W+W"},
        new String[] {"views:windows=", "unknown option 'windows='"})) {
      CommandRun run = CommandRun.of(with(base, c[0]));
      assertEquals(2, run.exitCode(), run.toString());
      assertTrue(run.err().contains(c[1]), c[0] + ": " + run.err());
    }

    Path old = dir.resolve("old.yaml");
    Files.writeString(old, Files.readString(Path.of("..", "crds", "samples", "distributedcounter.yaml"))
        .replace("      uniqueLgK: 14\n", "      unique: true\n"));
    CommandRun fromFile = CommandRun.of("create", "-f", old.toString(), "--dry-run");
    assertEquals(2, fromFile.exitCode(), fromFile.toString());
    assertTrue(fromFile.err().contains("spec.counters[1].unique is no longer an option"), fromFile.err());
    CommandRun sample = CommandRun.of("create", "-f", "../crds/samples/distributedcounter.yaml", "--dry-run");
    assertEquals(0, sample.exitCode(), sample.toString());
  }

  private static String[] with(String[] base, String last) {
    String[] args = java.util.Arrays.copyOf(base, base.length + 1);
    args[base.length] = last;
    return args;
  }

  @Test
  void noClusterAndNoCrdAreSaidPlainly() throws IOException {
    Path closed = kubeconfig(dir.resolve("closed"), "http://127.0.0.1:" + FreePort.pick());
    CommandRun unreachable = CommandRun.of("get", "--kubeconfig", closed.toString());
    assertEquals(1, unreachable.exitCode(), unreachable.toString());
    assertTrue(unreachable.err().contains("cannot reach the Kubernetes API"), unreachable.err());

    try (KubernetesApiMock bare = KubernetesApiMock.startCrud()) {
      Path noCrd = kubeconfig(dir.resolve("bare"), bare.client().getMasterUrl().toString());
      CommandRun get = CommandRun.of("get", "--kubeconfig", noCrd.toString());
      assertEquals(1, get.exitCode(), get.toString());
      assertTrue(get.err().contains("CRD") && get.err().contains("not installed"), get.err());
      CommandRun create = CommandRun.of("create", "y", "--kafka", "k:9092", "--redis", "redis://r:6379",
          "--kubeconfig", noCrd.toString());
      assertEquals(1, create.exitCode(), create.toString());
      assertTrue(create.err().contains("helm install count-operator"), create.err());
    }
  }

  @Test
  void twoArgumentsStillReadACountFromAnEdge() {
    CommandRun run = CommandRun.of("get", "likes", "post-1", "--url", "http://127.0.0.1:" + FreePort.pick(),
        "--kubeconfig", dir.resolve("unused").toString());
    assertEquals(1, run.exitCode(), run.toString());
    assertFalse(run.err().contains("Kubernetes") || run.err().contains("kubeconfig"), run.err());
  }

  /** Shell completion of {@code describe}/{@code delete}: the counters of the namespace the line names. */
  @Test
  void completionListsTheCountersOfTheNamespaceTheLineNames() {
    String cfg = kubeconfig.toString();
    for (String[] create : List.of(new String[] {"alpha", "completion"}, new String[] {"beta", "completion"},
        new String[] {"gamma", "completion-other"})) {
      assertEquals(0, CommandRun.of("create", create[0], "--kafka", "k:9092", "--redis", "redis://r:6379",
          "-n", create[1], "--kubeconfig", cfg).exitCode());
    }
    CommandRun names = CommandRun.of("__complete", "describe", "-o", "yaml", "-n", "completion", "--kubeconfig", cfg);
    assertEquals(0, names.exitCode(), names.toString());
    assertEquals(List.of("alpha", "beta"), List.of(names.out().strip().split("\n")), names.toString());

    CommandRun noCluster = CommandRun.of("__complete", "delete", "--kubeconfig", dir.resolve("absent").toString());
    assertEquals(0, noCluster.exitCode(), noCluster.toString());
    assertEquals("", noCluster.out() + noCluster.err(), "a completion prints nothing it cannot answer");

    CommandRun script = CommandRun.of("generate-completion");
    assertEquals(0, script.exitCode(), script.toString());
    assertTrue(script.out().contains("function _picocli_countctl_describe() { _countctl_counter_names ||")
        && script.out().contains("__complete"), "the script asks countctl __complete for names");
  }
}
