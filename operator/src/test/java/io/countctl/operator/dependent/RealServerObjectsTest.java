package io.countctl.operator.dependent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.api.model.DistributedCounter;
import io.countctl.operator.reconcile.CounterPlan;
import io.countctl.operator.reconcile.ImageDefaults;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.GenericResourceUpdater;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The write decision against objects as a real kube-apiserver v1.28 returned them
 * (src/test/resources/k8s-fixtures, copied from the recording): server defaults
 * ({@code revisionHistoryLimit: 10}, {@code terminationMessagePath}, {@code securityContext: {}} …),
 * the deployment controller's status and revision annotation. The object an update sends is computed
 * with JOSDK's own updater, as the operator's update path does.
 */
class RealServerObjectsTest {
  static final Path FIXTURES = Path.of("src", "test", "resources", "k8s-fixtures");
  // Not connected: only lends JOSDK's updater its serializer.
  static final KubernetesClient CLIENT = new KubernetesClientBuilder().build();

  @AfterAll
  static void close() {
    CLIENT.close();
  }

  static <T> T fixture(String file, Class<T> type) {
    try {
      return Serialization.unmarshal(Files.readString(FIXTURES.resolve(file)), type);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static CounterPlan plan(DistributedCounter dc) {
    return CounterPlan.of(dc, ImageDefaults.BUILT_IN);
  }

  /** The live object as the server keeps it after the operator wrote {@code desired}: with its hash. */
  static <R extends HasMetadata> R writtenFor(R live, R desired) {
    Map<String, String> annotations = new HashMap<>(live.getMetadata().getAnnotations());
    annotations.put(DesiredState.HASH, desired.getMetadata().getAnnotations().get(DesiredState.HASH));
    live.getMetadata().setAnnotations(annotations);
    return live;
  }

  @SuppressWarnings("unchecked")
  static <R extends HasMetadata> R whatAnUpdateSends(R actual, R desired) {
    Context<DistributedCounter> context = (Context<DistributedCounter>) Proxy.newProxyInstance(
        Context.class.getClassLoader(), new Class<?>[] {Context.class}, (proxy, method, args) -> {
          if (method.getName().equals("getClient")) {
            return CLIENT;
          }
          throw new UnsupportedOperationException(method.getName());
        });
    return GenericResourceUpdater.updateResource(actual, desired, context);
  }

  /**
   * The recorded resource predates the sketch options: its counter "views" still says
   * {@code unique: true}, which did nothing and is no longer in the schema. A real server prunes it
   * once the new CRD is installed; where none does (an old CRD still installed, a hand-made YAML)
   * the operator must still read the object and keep the rest of the entry.
   */
  @Test
  void aResourceStoredUnderTheOldSchemaStillReads() throws IOException {
    assertTrue(Files.readString(FIXTURES.resolve("distributedcounter-likes.yaml")).contains("unique: true"),
        "the fixture is the recorded one, old field included");
    DistributedCounter dc = fixture("distributedcounter-likes.yaml", DistributedCounter.class);
    assertEquals("views", dc.getSpec().getCounters().get(1).getName());
    assertEquals(10, dc.getSpec().getCounters().get(1).getTopK());
    assertEquals(null, dc.getSpec().getCounters().get(1).getUniqueLgK());
    assertEquals(List.of(), io.countctl.operator.reconcile.SpecValidator.problems(dc));
    assertEquals("likes,views:topk=10", plan(dc).settings().get("COUNT_COUNTER_OPTIONS"));
    // Written back (a status update, an edit through fabric8), the old field is gone.
    assertFalse(Serialization.asYaml(dc.getSpec()).contains("unique"), Serialization.asYaml(dc.getSpec()));
  }

  /**
   * The recorded ConfigMap holds the old form {@code views:unique:topk=10}, which the components of
   * this version refuse: the upgraded operator rewrites it (and the hash change rolls the pods).
   */
  @Test
  void theOldCounterOptionsInALiveConfigMapAreRewritten() {
    DistributedCounter dc = fixture("distributedcounter-likes.yaml", DistributedCounter.class);
    ConfigMap live = fixture("configmap-likes-config.yaml", ConfigMap.class);
    assertEquals("likes,views:unique:topk=10", live.getData().get("COUNT_COUNTER_OPTIONS"));
    ConfigMap desired = DesiredState.stamped(new ConfigMapDependent().desiredFor(plan(dc)));
    live.setData(new HashMap<>(live.getData()));
    assertFalse(DesiredState.matches(writtenFor(live, desired), desired));
    assertEquals("likes,views:topk=10", whatAnUpdateSends(live, desired).getData().get("COUNT_COUNTER_OPTIONS"));
  }

  @Test
  void aDefaultedDeploymentWithStatusIsNotRewritten() {
    DistributedCounter dc = fixture("distributedcounter-likes.yaml", DistributedCounter.class);
    Deployment desired = DesiredState.stamped(new EdgeDeploymentDependent().desiredFor(plan(dc)));
    Deployment live = writtenFor(fixture("deployment-likes-edge.yaml", Deployment.class), desired);

    // The live side really differs field by field (what made JOSDK's generic matcher write) …
    assertNotEquals(desired.getSpec().getRevisionHistoryLimit(), live.getSpec().getRevisionHistoryLimit());
    assertTrue(live.getStatus() != null);
    // … and none of it is a reason to write.
    assertTrue(DesiredState.matches(live, desired));
    // Building the desired state twice gives the same hash (maps are hashed in sorted order).
    assertTrue(DesiredState.matches(live, DesiredState.stamped(new EdgeDeploymentDependent().desiredFor(plan(dc)))));
  }

  @Test
  void anAllocatedServiceIsNotRewrittenAndKeepsItsAddress() {
    DistributedCounter dc = fixture("distributedcounter-likes.yaml", DistributedCounter.class);
    EdgeServiceDependent edge = new EdgeServiceDependent();
    Service desired = DesiredState.stamped(edge.desiredFor(plan(dc)));
    Service live = writtenFor(fixture("service-likes-edge.yaml", Service.class), desired);
    assertTrue(DesiredState.matches(live, desired), "clusterIP, ipFamilies, sessionAffinity … are the server's");

    // Should the Service ever be rewritten (a new operator version), its address stays.
    desired.getMetadata().getAnnotations().put(DesiredState.HASH, "from-another-version");
    assertFalse(DesiredState.matches(live, desired));
    edge.keepWhatOthersOwn(live, desired);
    Service sent = whatAnUpdateSends(live, desired);
    assertEquals("10.0.0.236", sent.getSpec().getClusterIP());
    assertEquals(List.of("10.0.0.236"), sent.getSpec().getClusterIPs());
  }

  @Test
  void aRolloutRestartSurvivesBothIdleReconcilesAndRealChanges() {
    DistributedCounter dc = fixture("distributedcounter-likes.yaml", DistributedCounter.class);
    EdgeDeploymentDependent edge = new EdgeDeploymentDependent();
    Deployment desired = DesiredState.stamped(edge.desiredFor(plan(dc)));
    Deployment live = writtenFor(fixture("deployment-likes-edge.yaml", Deployment.class), desired);
    live.getSpec().getTemplate().getMetadata().getAnnotations()
        .put("kubectl.kubernetes.io/restartedAt", "2026-11-23T09:00:00Z");

    assertTrue(DesiredState.matches(live, desired), "a restart is the user's: nothing to write");

    dc.getSpec().getEdge().setReplicas(6);
    Deployment changed = DesiredState.stamped(edge.desiredFor(plan(dc)));
    assertFalse(DesiredState.matches(live, changed), "a spec change is written");
    edge.keepWhatOthersOwn(live, changed);
    Deployment sent = whatAnUpdateSends(live, changed);
    assertEquals(6, sent.getSpec().getReplicas());
    assertEquals("2026-11-23T09:00:00Z",
        sent.getSpec().getTemplate().getMetadata().getAnnotations().get("kubectl.kubernetes.io/restartedAt"),
        "the restart is not undone by the update");
    assertEquals("7", sent.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision"),
        "the controller's annotation is kept");
    assertEquals(live.getMetadata().getResourceVersion(), sent.getMetadata().getResourceVersion(),
        "the update is optimistic (409 when the object moved on)");
  }

  @Test
  void removedCountersAndPeersLeaveTheConfigMap() {
    DistributedCounter dc = fixture("distributedcounter-likes.yaml", DistributedCounter.class);
    ConfigMap live = fixture("configmap-likes-config.yaml", ConfigMap.class);
    assertTrue(live.getData().containsKey("COUNT_COUNTER_OPTIONS"));

    dc.getSpec().setCounters(List.of());
    ConfigMap desired = DesiredState.stamped(new ConfigMapDependent().desiredFor(plan(dc)));
    assertFalse(DesiredState.matches(writtenFor(live, desired), desired),
        "the live ConfigMap still has a key the spec no longer makes");
    ConfigMap sent = whatAnUpdateSends(live, desired);
    assertFalse(sent.getData().containsKey("COUNT_COUNTER_OPTIONS"), sent.getData().toString());
    assertEquals(desired.getData(), sent.getData());

    // Peers: added, then removed again.
    dc.getSpec().setPeers(List.of(new io.countctl.api.model.PeerSpec("us-east", "http://merge.us-east:8080")));
    ConfigMap withPeers = whatAnUpdateSends(sent, DesiredState.stamped(new ConfigMapDependent().desiredFor(plan(dc))));
    assertTrue(withPeers.getData().containsKey("COUNT_PEERS"));
    dc.getSpec().setPeers(List.of());
    ConfigMap noPeers = DesiredState.stamped(new ConfigMapDependent().desiredFor(plan(dc)));
    assertFalse(DesiredState.matches(writtenFor(withPeers, noPeers), noPeers));
    assertFalse(whatAnUpdateSends(withPeers, noPeers).getData().containsKey("COUNT_PEERS"));
  }

  @Test
  void aKeyAddedByHandIsPutBack() {
    DistributedCounter dc = fixture("distributedcounter-likes.yaml", DistributedCounter.class);
    ConfigMap desired = DesiredState.stamped(new ConfigMapDependent().desiredFor(plan(dc)));
    ConfigMap live = writtenFor(fixture("configmap-likes-config.yaml", ConfigMap.class), desired);
    live.setData(new HashMap<>(desired.getData()));
    assertTrue(DesiredState.matches(live, desired));
    live.getData().put("COUNT_EXTRA", "x");
    assertFalse(DesiredState.matches(live, desired));
  }
}
