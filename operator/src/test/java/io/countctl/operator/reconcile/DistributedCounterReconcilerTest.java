package io.countctl.operator.reconcile;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.operator.CountOperator;
import io.countctl.operator.OperatorConfig;
import io.countctl.api.model.DistributedCounter;
import io.countctl.api.model.DistributedCounterStatus;
import io.countctl.api.model.PeerSpec;
import io.countctl.operator.dependent.ComponentDeployment;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.FileInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reconciler against fabric8's Kubernetes mock API server in CRUD mode, with the checked-in CRD
 * installed so that the status subresource behaves as in a cluster. Each test uses its own
 * DistributedCounter name.
 */
@EnableKubernetesMockClient(crud = true)
class DistributedCounterReconcilerTest {
  static final String NS = "test";
  static final Duration WAIT = Duration.ofSeconds(30);
  static KubernetesClient client;
  static KubernetesMockServer server;
  static CountOperator operator;

  @BeforeAll
  static void startOperator() throws IOException {
    try (var crd = new FileInputStream("../crds/distributedcounters.counters.countctl.io-v1.yml")) {
      client.apiextensions().v1().customResourceDefinitions().load(crd).create();
    }
    OperatorConfig config = new OperatorConfig(java.util.Set.of(), false, "count-operator", NS, "test", false, 0,
        new ImageDefaults("registry.example/count", "1.2.3", "IfNotPresent"));
    operator = new CountOperator(client, config, new SimpleMeterRegistry());
    operator.start();
  }

  @AfterAll
  static void stopOperator() {
    operator.close();
  }

  static DistributedCounter sample(String name) {
    DistributedCounter dc = SpecValidatorTest.sample();
    dc.getMetadata().setName(name);
    dc.getMetadata().setNamespace(NS);
    return dc;
  }

  static Optional<Deployment> deployment(String name) {
    return Optional.ofNullable(client.apps().deployments().inNamespace(NS).withName(name).get());
  }

  static Deployment awaitDeployment(String name) {
    return await().atMost(WAIT).until(() -> deployment(name), Optional::isPresent).orElseThrow();
  }

  static DistributedCounter current(String name) {
    return client.resources(DistributedCounter.class).inNamespace(NS).withName(name).get();
  }

  static Condition awaitCondition(String name, String type, String status) {
    return await().atMost(WAIT).until(() -> Optional.ofNullable(current(name))
            .map(DistributedCounter::getStatus)
            .flatMap(s -> s.condition(type))
            .filter(c -> status.equals(c.getStatus())),
        Optional::isPresent).orElseThrow();
  }

  /** Edits the resource as kubectl edit does, again on a 409 (the operator patches it too: finalizer, status). */
  static void edit(String name, java.util.function.UnaryOperator<DistributedCounter> change) {
    await().atMost(WAIT).ignoreExceptionsInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class).until(() -> {
      client.resources(DistributedCounter.class).inNamespace(NS).withName(name).edit(change);
      return true;
    });
  }

  static Map<String, EnvVar> env(Container c) {
    return c.getEnv().stream().collect(java.util.stream.Collectors.toMap(EnvVar::getName, e -> e));
  }

  @Test
  void sampleMakesEveryObjectWithImagesEnvReplicasProbesAndOwner() {
    DistributedCounter created = client.resource(sample("alpha")).create();

    Deployment edge = awaitDeployment("alpha-edge");
    Deployment worker = awaitDeployment("alpha-worker");
    Deployment downtime = awaitDeployment("alpha-downtime-handler");
    await().atMost(WAIT).until(() -> client.services().inNamespace(NS).withName("alpha-downtime-handler").get() != null);
    Service edgeService = await().atMost(WAIT).until(
        () -> client.services().inNamespace(NS).withName("alpha-edge").get(), java.util.Objects::nonNull);
    ConfigMap config = client.configMaps().inNamespace(NS).withName("alpha-config").get();
    Secret secret = client.secrets().inNamespace(NS).withName("alpha-internal").get();
    assertNotNull(config);
    assertNotNull(secret);
    assertTrue(deployment("alpha-region-merge").isEmpty(), "no peers, no region-merge");
    assertNull(client.services().inNamespace(NS).withName("alpha-region-merge").get(), "nor its Service");
    assertNull(current("alpha").getStatus() == null ? null : current("alpha").getStatus().getPeers());

    assertEquals(3, edge.getSpec().getReplicas());
    assertEquals(2, worker.getSpec().getReplicas());
    assertEquals(1, downtime.getSpec().getReplicas());

    Container edgeC = edge.getSpec().getTemplate().getSpec().getContainers().getFirst();
    assertEquals("registry.example/count/edge-node:1.2.3", edgeC.getImage());
    assertEquals("registry.example/count/worker:1.2.3",
        worker.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage());
    assertEquals("registry.example/count/downtime-handler:1.2.3",
        downtime.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage());
    assertEquals("alpha-config", edgeC.getEnvFrom().getFirst().getConfigMapRef().getName());
    assertEquals("alpha-internal", env(edgeC).get("COUNT_INTERNAL_SECRET").getValueFrom().getSecretKeyRef().getName());
    assertEquals("http://$(POD_IP):8081", env(edgeC).get("COUNT_ADVERTISED_URL").getValue(), "workers call the internal port");
    assertEquals("8081", env(edgeC).get("COUNT_INTERNAL_PORT").getValue());
    assertEquals("-XX:+UseG1GC -XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError", env(edgeC).get("JAVA_TOOL_OPTIONS").getValue(),
        "the heap is a share of the container's memory limit");
    assertEquals(List.of("http:8080", "internal:8081"),
        edgeC.getPorts().stream().map(p -> p.getName() + ":" + p.getContainerPort()).toList());
    assertEquals("metadata.name", env(worker.getSpec().getTemplate().getSpec().getContainers().getFirst())
        .get("COUNT_WORKER_ID").getValueFrom().getFieldRef().getFieldPath());
    assertEquals("/healthz", edgeC.getLivenessProbe().getHttpGet().getPath());
    assertEquals("/readyz", edgeC.getReadinessProbe().getHttpGet().getPath());
    assertEquals("500m", edgeC.getResources().getRequests().get("cpu").toString());
    assertEquals("true", edge.getSpec().getTemplate().getMetadata().getAnnotations().get("prometheus.io/scrape"));
    assertEquals("edge", edge.getMetadata().getLabels().get("app.kubernetes.io/component"));
    assertEquals("alpha", edge.getMetadata().getLabels().get("app.kubernetes.io/instance"));

    assertEquals(Map.of("app.kubernetes.io/instance", "alpha", "app.kubernetes.io/component", "edge"),
        edgeService.getSpec().getSelector());
    assertEquals(8080, edgeService.getSpec().getPorts().getFirst().getPort());
    assertEquals(List.of(8080), edgeService.getSpec().getPorts().stream().map(p -> p.getPort()).toList(),
        "the edge Service carries the public port only, never the internal one");

    assertEquals("alpha", config.getData().get("COUNT_CLUSTER"));
    assertEquals("eu-west", config.getData().get("COUNT_REGION"));
    assertEquals("kafka-bootstrap.kafka:9092", config.getData().get("COUNT_KAFKA_BOOTSTRAP"));
    assertEquals("redis://redis-master.redis:6379", config.getData().get("COUNT_REDIS_URL"));
    assertEquals("durable", config.getData().get("COUNT_ACK_MODE"));
    assertEquals("5", config.getData().get("COUNT_FLUSH_MS"));
    assertEquals("12", config.getData().get("COUNT_PARTITIONS"));
    assertEquals("http://alpha-downtime-handler:8080", config.getData().get("COUNT_DOWNTIME_URL"));
    assertEquals("likes,views:lgk=14:topk=10:windows=1h+all", config.getData().get("COUNT_COUNTER_OPTIONS"));
    assertTrue(secret.getData().get("secret").length() > 20);

    // Accounts: the downtime handler may read pods in its namespace; the others get no token.
    ServiceAccount platform = client.serviceAccounts().inNamespace(NS).withName("alpha-platform").get();
    ServiceAccount handlerAccount = client.serviceAccounts().inNamespace(NS).withName("alpha-downtime-handler").get();
    Role role = await().atMost(WAIT).until(
        () -> client.rbac().roles().inNamespace(NS).withName("alpha-downtime-handler").get(), java.util.Objects::nonNull);
    RoleBinding binding = client.rbac().roleBindings().inNamespace(NS).withName("alpha-downtime-handler").get();
    assertEquals(Boolean.FALSE, platform.getAutomountServiceAccountToken());
    assertNotNull(handlerAccount);
    assertEquals(List.of(""), role.getRules().getFirst().getApiGroups());
    assertEquals(List.of("pods"), role.getRules().getFirst().getResources());
    assertEquals(List.of("get", "list", "watch"), role.getRules().getFirst().getVerbs());
    assertEquals("alpha-downtime-handler", binding.getRoleRef().getName());
    assertEquals("alpha-downtime-handler", binding.getSubjects().getFirst().getName());
    assertEquals(NS, binding.getSubjects().getFirst().getNamespace());
    assertEquals("alpha-downtime-handler", downtime.getSpec().getTemplate().getSpec().getServiceAccountName());
    assertEquals("true", config.getData().get("COUNT_POD_WATCH"));
    for (Deployment d : List.of(edge, worker)) {
      var pod = d.getSpec().getTemplate().getSpec();
      assertEquals("alpha-platform", pod.getServiceAccountName());
      assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken());
    }
    // restricted Pod Security, on every component.
    for (Deployment d : List.of(edge, worker, downtime)) {
      var pod = d.getSpec().getTemplate().getSpec();
      assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot(), d.getMetadata().getName());
      assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
      var sc = pod.getContainers().getFirst().getSecurityContext();
      assertEquals(Boolean.FALSE, sc.getAllowPrivilegeEscalation());
      assertEquals(List.of("ALL"), sc.getCapabilities().getDrop());
    }

    String uid = created.getMetadata().getUid();
    for (var owned : List.<HasMetadata>of(edge, worker, downtime, edgeService, config, secret, platform, handlerAccount,
        role, binding)) {
      var ref = owned.getMetadata().getOwnerReferences().getFirst();
      assertEquals(uid, ref.getUid(), owned.getMetadata().getName());
      assertEquals("DistributedCounter", ref.getKind());
      assertEquals(Boolean.TRUE, ref.getController(), owned.getKind() + " " + owned.getMetadata().getName());
      assertEquals(Boolean.TRUE, ref.getBlockOwnerDeletion());
    }
    // kubectl describe distributedcounter alpha shows what was made.
    await().atMost(WAIT).until(() -> events("alpha").stream()
        .anyMatch(e -> "Created".equals(e.getReason()) && e.getMessage().contains("Deployment alpha-edge")));
  }

  static List<Event> events(String name) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName())
            && "DistributedCounter".equals(e.getInvolvedObject().getKind()))
        .toList();
  }

  /**
   * An idle platform is not written to: with the live Deployment carrying what a real API server adds
   * (defaults recorded in k8s-fixtures/deployment-likes-edge.yaml) and a {@code kubectl rollout restart},
   * the reconcile that the change triggers neither replaces the Deployment nor patches the status.
   */
  @Test
  void anIdleReconcileWritesNothingAndKeepsARolloutRestart() throws Exception {
    DistributedCounter eta = sample("eta");
    // With peers, so that the region merge's Deployment, Service and the peers' status are idle too.
    eta.getSpec().setPeers(List.of(new PeerSpec("us-east", "http://merge.us-east.example:8080")));
    eta.getSpec().setPeerSecretRef(new io.countctl.api.model.SecretKeyRef("count-peers", "secret"));
    client.resource(eta).create();
    awaitDeployment("eta-edge");
    awaitDeployment("eta-worker");
    awaitDeployment("eta-downtime-handler");
    awaitDeployment("eta-region-merge");
    await().atMost(WAIT).until(() -> client.services().inNamespace(NS).withName("eta-region-merge").get() != null);
    await().atMost(WAIT).until(() -> current("eta").getStatus() != null && current("eta").getStatus().getPeers() != null);
    awaitCondition("eta", DistributedCounterStatus.PROGRESSING, "True");
    Deployment recorded = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
        java.nio.file.Files.readString(java.nio.file.Path.of("src/test/resources/k8s-fixtures/deployment-likes-edge.yaml")),
        Deployment.class);
    client.apps().deployments().inNamespace(NS).withName("eta-edge").edit(d -> {
      d.getSpec().setRevisionHistoryLimit(recorded.getSpec().getRevisionHistoryLimit());
      d.getSpec().setProgressDeadlineSeconds(recorded.getSpec().getProgressDeadlineSeconds());
      d.getSpec().setStrategy(recorded.getSpec().getStrategy());
      var pod = d.getSpec().getTemplate().getSpec();
      var recordedPod = recorded.getSpec().getTemplate().getSpec();
      pod.setDnsPolicy(recordedPod.getDnsPolicy());
      pod.setSchedulerName(recordedPod.getSchedulerName());
      pod.setRestartPolicy(recordedPod.getRestartPolicy());
      pod.setServiceAccount(pod.getServiceAccountName());
      var c = pod.getContainers().getFirst();
      c.setTerminationMessagePath(recordedPod.getContainers().getFirst().getTerminationMessagePath());
      c.setTerminationMessagePolicy(recordedPod.getContainers().getFirst().getTerminationMessagePolicy());
      c.getLivenessProbe().setSuccessThreshold(1);
      c.getReadinessProbe().setSuccessThreshold(1);
      d.getSpec().getTemplate().getMetadata().getAnnotations().put("kubectl.kubernetes.io/restartedAt", "2026-12-01T10:00:00Z");
      return d;
    });
    while (server.takeRequest(50, java.util.concurrent.TimeUnit.MILLISECONDS) != null) {
      // only what follows the edit counts
    }

    await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(8)).until(() ->
        "2026-12-01T10:00:00Z".equals(awaitDeployment("eta-edge").getSpec().getTemplate().getMetadata()
            .getAnnotations().get("kubectl.kubernetes.io/restartedAt")));
    List<String> writes = new java.util.ArrayList<>();
    io.fabric8.mockwebserver.http.RecordedRequest r;
    while ((r = server.takeRequest(50, java.util.concurrent.TimeUnit.MILLISECONDS)) != null) {
      if (!r.getMethod().equals("GET") && r.getPath().contains("/namespaces/" + NS + "/")
          && (r.getPath().contains("/eta") || r.getPath().contains("/distributedcounters/eta"))) {
        writes.add(r.getMethod() + " " + r.getPath());
      }
    }
    assertEquals(List.of(), writes, "nothing changed, so nothing is written");

    // A real change is still written, and keeps the restart.
    edit("eta", dc -> {
      dc.getSpec().getEdge().setReplicas(4);
      return dc;
    });
    await().atMost(WAIT).until(() -> deployment("eta-edge").map(d -> d.getSpec().getReplicas()).orElse(0) == 4);
    assertEquals("2026-12-01T10:00:00Z", awaitDeployment("eta-edge").getSpec().getTemplate().getMetadata()
        .getAnnotations().get("kubectl.kubernetes.io/restartedAt"));
    await().atMost(WAIT).until(() -> events("eta").stream()
        .anyMatch(e -> "Updated".equals(e.getReason()) && e.getMessage().contains("Deployment eta-edge")));
  }

  /**
   * A write that meets a 409 (the object changed since the cache read it — on a real server, the
   * deployment controller writing its status) is retried at once and does not make the resource
   * degraded, not even for a moment (no Failed event).
   */
  @Test
  void aConflictOnWriteIsRetriedWithoutDegrading() {
    client.resource(sample("iota")).create();
    awaitDeployment("iota-edge");
    awaitCondition("iota", DistributedCounterStatus.PROGRESSING, "True");
    server.expect().put().withPath("/apis/apps/v1/namespaces/" + NS + "/deployments/iota-edge")
        .andReturn(409, new io.fabric8.kubernetes.api.model.StatusBuilder().withCode(409).withReason("Conflict")
            .withStatus("Failure").withMessage("Operation cannot be fulfilled on deployments.apps \"iota-edge\": the object"
                + " has been modified; please apply your changes to the latest version and try again").build())
        .once();
    edit("iota", dc -> {
      dc.getSpec().getEdge().setReplicas(6);
      return dc;
    });
    await().atMost(Duration.ofSeconds(15)).until(() -> deployment("iota-edge").map(d -> d.getSpec().getReplicas()).orElse(0) == 6);
    assertEquals("False", current("iota").getStatus().condition(DistributedCounterStatus.DEGRADED).orElseThrow().getStatus());
    assertEquals(List.of(), events("iota").stream().filter(e -> "Warning".equals(e.getType())).map(Event::getMessage).toList());
  }

  /** Pods refused by admission show in the ReplicaSet's FailedCreate, surfaced by the deployment controller. */
  @Test
  void aReplicaFailureIsReportedAsDegraded() {
    client.resource(sample("theta")).create();
    Deployment d = awaitDeployment("theta-worker");
    d.setStatus(new DeploymentStatusBuilder().withReplicas(0).withReadyReplicas(0)
        .addNewCondition().withType("ReplicaFailure").withStatus("True").withReason("FailedCreate")
        .withMessage("pods \"theta-worker-6d4b9\" is forbidden: violates PodSecurity \"restricted:latest\"")
        .endCondition().build());
    client.apps().deployments().inNamespace(NS).resource(d).updateStatus();
    Condition degraded = awaitCondition("theta", DistributedCounterStatus.DEGRADED, "True");
    assertEquals("PodsRefused", degraded.getReason());
    assertTrue(degraded.getMessage().contains("theta-worker: FailedCreate") && degraded.getMessage().contains("PodSecurity"),
        degraded.getMessage());
    await().atMost(WAIT).until(() -> events("theta").stream()
        .anyMatch(e -> "Warning".equals(e.getType()) && "Failed".equals(e.getReason())
            && e.getMessage().contains("PodSecurity")));
  }

  @Test
  void statusReportsConditionsReplicasAndGeneration() {
    client.resource(sample("beta")).create();
    Condition progressing = awaitCondition("beta", DistributedCounterStatus.PROGRESSING, "True");
    assertEquals("RollingOut", progressing.getReason());
    DistributedCounter dc = current("beta");
    assertEquals(dc.getMetadata().getGeneration(), dc.getStatus().getObservedGeneration());
    assertEquals("False", dc.getStatus().condition(DistributedCounterStatus.READY).orElseThrow().getStatus());
    assertEquals("http://beta-edge.test.svc:8080", dc.getStatus().getEdgeService());
    assertEquals(3, dc.getStatus().getEdges().getReplicas());

    // The API server's Deployment controller would do this; the mock server has none.
    for (String name : List.of("beta-edge", "beta-worker", "beta-downtime-handler")) {
      Deployment d = awaitDeployment(name);
      d.setStatus(new DeploymentStatusBuilder().withReplicas(d.getSpec().getReplicas())
          .withReadyReplicas(d.getSpec().getReplicas()).build());
      client.apps().deployments().inNamespace(NS).resource(d).updateStatus();
    }
    Condition ready = awaitCondition("beta", DistributedCounterStatus.READY, "True");
    assertEquals("AllReplicasReady", ready.getReason());
    dc = current("beta");
    assertEquals(3, dc.getStatus().getEdges().getReady());
    assertEquals(2, dc.getStatus().getWorkers().getReady());
    assertEquals("False", dc.getStatus().condition(DistributedCounterStatus.DEGRADED).orElseThrow().getStatus());
  }

  @Test
  void changingReplicasOrFlushIntervalUpdatesWhatItAffects() {
    client.resource(sample("gamma")).create();
    Deployment edgeBefore = awaitDeployment("gamma-edge");
    Deployment workerBefore = awaitDeployment("gamma-worker");
    String edgeHash = edgeBefore.getSpec().getTemplate().getMetadata().getAnnotations().get(ComponentDeployment.SETTINGS_HASH);
    String workerHash = workerBefore.getSpec().getTemplate().getMetadata().getAnnotations().get(ComponentDeployment.SETTINGS_HASH);

    edit("gamma", dc -> {
      dc.getSpec().getEdge().setReplicas(5);
      dc.getSpec().setFlushIntervalMs(20);
      return dc;
    });

    await().atMost(WAIT).until(() -> deployment("gamma-edge").map(d -> d.getSpec().getReplicas()).orElse(0) == 5);
    await().atMost(WAIT).until(() -> "20".equals(client.configMaps().inNamespace(NS).withName("gamma-config").get()
        .getData().get("COUNT_FLUSH_MS")));
    Deployment edgeAfter = awaitDeployment("gamma-edge");
    assertNotEquals(edgeHash, edgeAfter.getSpec().getTemplate().getMetadata().getAnnotations()
        .get(ComponentDeployment.SETTINGS_HASH), "the edges read the flush interval: their pods roll");
    assertEquals(workerHash, awaitDeployment("gamma-worker").getSpec().getTemplate().getMetadata().getAnnotations()
        .get(ComponentDeployment.SETTINGS_HASH), "the workers do not: theirs stay");
    assertEquals(2, awaitDeployment("gamma-worker").getSpec().getReplicas());
    await().atMost(WAIT).until(() -> {
      DistributedCounter dc = current("gamma");
      return dc.getStatus() != null && dc.getStatus().getEdges() != null && dc.getStatus().getEdges().getReplicas() == 5
          && dc.getMetadata().getGeneration().equals(dc.getStatus().getObservedGeneration());
    });
  }

  @Test
  void peersAddAndRemoveTheRegionMergeRole() {
    client.resource(sample("delta")).create();
    awaitDeployment("delta-edge");
    assertTrue(deployment("delta-region-merge").isEmpty());

    edit("delta", dc -> {
      dc.getSpec().setPeers(List.of(new PeerSpec("us-east", "http://merge.us-east.example:8080")));
      return dc;
    });
    Deployment merge = awaitDeployment("delta-region-merge");
    Container c = merge.getSpec().getTemplate().getSpec().getContainers().getFirst();
    assertEquals("registry.example/count/worker:1.2.3", c.getImage());
    assertEquals("region-merge", env(c).get("COUNT_ROLE").getValue());
    assertFalse(env(c).containsKey("COUNT_PEER_SECRET"), "without peerSecretRef the internal secret is used");
    await().atMost(WAIT).until(() -> "us-east=http://merge.us-east.example:8080".equals(
        client.configMaps().inNamespace(NS).withName("delta-config").get().getData().get("COUNT_PEERS")));
    Service mergeService = await().atMost(WAIT).until(
        () -> client.services().inNamespace(NS).withName("delta-region-merge").get(), java.util.Objects::nonNull);
    assertEquals("ClusterIP", mergeService.getSpec().getType());
    assertEquals(Map.of("app.kubernetes.io/instance", "delta", "app.kubernetes.io/component", "region-merge"),
        mergeService.getSpec().getSelector());
    var port = mergeService.getSpec().getPorts().getFirst();
    assertEquals("merge", port.getName());
    assertEquals(8080, port.getPort());
    assertEquals("http", port.getTargetPort().getStrVal());
    await().atMost(WAIT).until(() -> {
      var st = current("delta").getStatus();
      return st != null && st.getPeers() != null && st.getPeers().size() == 1
          && "us-east".equals(st.getPeers().getFirst().getRegion())
          && "http://merge.us-east.example:8080".equals(st.getPeers().getFirst().getUrl())
          && "http://delta-region-merge.test.svc:8080".equals(st.getRegionMergeService());
    });

    // A shared peer secret and a LoadBalancer for the other regions to reach.
    edit("delta", dc -> {
      dc.getSpec().setPeerSecretRef(new io.countctl.api.model.SecretKeyRef("count-peers", "secret"));
      var rm = new io.countctl.api.model.RegionMergeSpec();
      rm.setServiceType("LoadBalancer");
      dc.getSpec().setRegionMerge(rm);
      return dc;
    });
    EnvVar peerSecret = await().atMost(WAIT).until(() -> deployment("delta-region-merge")
        .map(d -> env(d.getSpec().getTemplate().getSpec().getContainers().getFirst()).get("COUNT_PEER_SECRET")),
        Optional::isPresent).orElseThrow();
    assertEquals("count-peers", peerSecret.getValueFrom().getSecretKeyRef().getName());
    assertEquals("secret", peerSecret.getValueFrom().getSecretKeyRef().getKey());
    assertFalse(peerSecret.getValueFrom().getSecretKeyRef().getOptional());
    await().atMost(WAIT).until(() -> "LoadBalancer".equals(
        client.services().inNamespace(NS).withName("delta-region-merge").get().getSpec().getType()));
    assertFalse(env(awaitDeployment("delta-edge").getSpec().getTemplate().getSpec().getContainers().getFirst())
        .containsKey("COUNT_PEER_SECRET"), "only the region merge talks to peers");

    edit("delta", dc -> {
      dc.getSpec().setPeers(List.of());
      return dc;
    });
    await().atMost(WAIT).until(() -> deployment("delta-region-merge").isEmpty()
        && client.services().inNamespace(NS).withName("delta-region-merge").get() == null);
    await().atMost(WAIT).until(() -> current("delta").getStatus().getPeers() == null
        && current("delta").getStatus().getRegionMergeService() == null
        && current("delta").getStatus().getRegionMerge() == null);
  }

  /** With peers, Ready waits for the region merge as for every other component. */
  @Test
  void readyWaitsForTheRegionMerge() {
    DistributedCounter dc = sample("kappa");
    dc.getSpec().setPeers(List.of(new PeerSpec("us-east", "http://merge.us-east.example:8080")));
    client.resource(dc).create();
    awaitDeployment("kappa-region-merge");
    for (String name : List.of("kappa-edge", "kappa-worker", "kappa-downtime-handler")) {
      markReady(name);
    }
    Condition notReady = awaitCondition("kappa", DistributedCounterStatus.READY, "False");
    await().atMost(WAIT).until(() -> current("kappa").getStatus().getEdges().getReady() == 3);
    notReady = current("kappa").getStatus().condition(DistributedCounterStatus.READY).orElseThrow();
    assertEquals("ReplicasNotReady", notReady.getReason());
    assertTrue(notReady.getMessage().contains("region merge 0/1"), notReady.getMessage());

    markReady("kappa-region-merge");
    awaitCondition("kappa", DistributedCounterStatus.READY, "True");
    assertEquals(1, current("kappa").getStatus().getRegionMerge().getReady());
  }

  /** The Deployment controller would do this; the mock server has none. */
  static void markReady(String name) {
    Deployment d = awaitDeployment(name);
    d.setStatus(new DeploymentStatusBuilder().withReplicas(d.getSpec().getReplicas())
        .withReadyReplicas(d.getSpec().getReplicas()).build());
    client.apps().deployments().inNamespace(NS).resource(d).updateStatus();
  }

  @Test
  void deletingTheResourceLeavesNothingBehind() {
    client.resource(sample("epsilon")).create();
    awaitDeployment("epsilon-edge");
    awaitDeployment("epsilon-worker");
    awaitDeployment("epsilon-downtime-handler");
    await().atMost(WAIT).until(() -> client.services().inNamespace(NS).withName("epsilon-downtime-handler").get() != null);
    await().atMost(WAIT).until(() -> client.services().inNamespace(NS).withName("epsilon-edge").get() != null);

    client.resources(DistributedCounter.class).inNamespace(NS).withName("epsilon").delete();

    await().atMost(WAIT).until(() -> current("epsilon") == null);
    await().atMost(WAIT).until(() -> owned("epsilon").isEmpty());
  }

  static List<String> owned(String name) {
    var selector = Map.of("app.kubernetes.io/instance", name);
    List<String> left = new java.util.ArrayList<>();
    client.apps().deployments().inNamespace(NS).withLabels(selector).list().getItems().forEach(o -> left.add("deployment/" + o.getMetadata().getName()));
    client.services().inNamespace(NS).withLabels(selector).list().getItems().forEach(o -> left.add("service/" + o.getMetadata().getName()));
    client.configMaps().inNamespace(NS).withLabels(selector).list().getItems().forEach(o -> left.add("configmap/" + o.getMetadata().getName()));
    client.secrets().inNamespace(NS).withLabels(selector).list().getItems().forEach(o -> left.add("secret/" + o.getMetadata().getName()));
    return left;
  }

  /**
   * The resource as a real server stored it under the old schema (k8s-fixtures, {@code unique: true}
   * on a counter), sent as is: the mock server keeps the field, as a cluster still running the old
   * CRD would. The operator reads it, deploys, and renders only the options that still mean
   * something; a change to the sketch options then rolls the components that read them.
   */
  @Test
  void aResourceOfTheOldSchemaIsReconciledAndItsOptionsRollThePods() throws IOException {
    var old = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(java.nio.file.Files.readString(
        java.nio.file.Path.of("src/test/resources/k8s-fixtures/distributedcounter-likes.yaml")),
        io.fabric8.kubernetes.api.model.GenericKubernetesResource.class);
    old.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("lambda").withNamespace(NS).build());
    old.getAdditionalProperties().remove("status");
    assertEquals(Boolean.TRUE, old.<Boolean>get("spec", "counters", 1, "unique"));
    client.resource(old).create();

    Deployment edge = awaitDeployment("lambda-edge");
    ConfigMap config = await().atMost(WAIT).until(
        () -> client.configMaps().inNamespace(NS).withName("lambda-config").get(), java.util.Objects::nonNull);
    assertEquals("likes,views:topk=10", config.getData().get("COUNT_COUNTER_OPTIONS"));
    awaitCondition("lambda", DistributedCounterStatus.DEGRADED, "False");
    String hash = edge.getSpec().getTemplate().getMetadata().getAnnotations().get(ComponentDeployment.SETTINGS_HASH);

    edit("lambda", dc -> {
      dc.getSpec().getCounters().get(1).setUniqueLgK(12);
      dc.getSpec().getCounters().get(1).setWindows(List.of("all", "10m"));
      return dc;
    });
    await().atMost(WAIT).until(() -> "likes,views:lgk=12:topk=10:windows=10m+all".equals(
        client.configMaps().inNamespace(NS).withName("lambda-config").get().getData().get("COUNT_COUNTER_OPTIONS")));
    await().atMost(WAIT).until(() -> !hash.equals(awaitDeployment("lambda-edge").getSpec().getTemplate().getMetadata()
        .getAnnotations().get(ComponentDeployment.SETTINGS_HASH)));
  }

  @Test
  void anInvalidSpecSetsAFailingConditionAndTouchesNothing() {
    DistributedCounter bad = sample("zeta");
    bad.getSpec().getRedis().setUrl("http://not-redis:6379");
    client.resource(bad).create();
    Condition degraded = awaitCondition("zeta", DistributedCounterStatus.DEGRADED, "True");
    assertEquals("InvalidSpec", degraded.getReason());
    assertTrue(degraded.getMessage().contains("spec.redis.url"), degraded.getMessage());
    assertEquals("False", current("zeta").getStatus().condition(DistributedCounterStatus.READY).orElseThrow().getStatus());
    assertEquals(List.of(), owned("zeta"), "nothing is deployed from an invalid spec");

    // Fixing it deploys; breaking a running platform leaves it running and says why.
    edit("zeta", dc -> {
      dc.getSpec().getRedis().setUrl("redis://redis:6379");
      return dc;
    });
    awaitDeployment("zeta-edge");
    awaitCondition("zeta", DistributedCounterStatus.DEGRADED, "False");
    edit("zeta", dc -> {
      dc.getSpec().getEdge().setReplicas(0);
      return dc;
    });
    Condition again = awaitCondition("zeta", DistributedCounterStatus.DEGRADED, "True");
    assertTrue(again.getMessage().contains("spec.edge.replicas"), again.getMessage());
    assertEquals(3, awaitDeployment("zeta-edge").getSpec().getReplicas(), "the running edges are left alone");
    assertFalse(owned("zeta").isEmpty());
  }
}
