package io.countctl.operator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.api.model.DistributedCounter;
import io.countctl.operator.lease.LeaderElection;
import io.countctl.operator.reconcile.ImageDefaults;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.FileInputStream;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Two operator replicas: one holds the Lease and reconciles; when it goes, the other takes over. */
@EnableKubernetesMockClient(crud = true)
class LeaderElectionTest {
  static final String NS = "apps";
  static final String LEASE_NS = "count-system";
  static KubernetesClient client;
  static KubernetesMockServer server;

  static CountOperator replica(String identity) {
    OperatorConfig config = new OperatorConfig(Set.of(), true, "count-operator", LEASE_NS, identity, false, 0,
        ImageDefaults.BUILT_IN);
    return new CountOperator(client, config, new SimpleMeterRegistry());
  }

  /** The operator checks that it may use the Lease before electing; a real API server answers this review. */
  static void allowLeases(KubernetesMockServer server, String... verbs) {
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, new SelfSubjectRulesReviewBuilder().withNewStatus().withIncomplete(false)
            .withResourceRules(new ResourceRuleBuilder().withApiGroups("coordination.k8s.io")
                .withResources("leases").withVerbs(verbs).build())
            .endStatus().build())
        .always();
  }

  static String holder() {
    Lease lease = client.leases().inNamespace(LEASE_NS).withName("count-operator").get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  static Integer edgeReplicas(String name) {
    var d = client.apps().deployments().inNamespace(NS).withName(name + "-edge").get();
    return d == null ? null : d.getSpec().getReplicas();
  }

  @Test
  void oneReplicaLeadsAndTheOtherTakesOverWhenItStops() throws Exception {
    try (var crd = new FileInputStream("../crds/distributedcounters.counters.countctl.io-v1.yml")) {
      client.apiextensions().v1().customResourceDefinitions().load(crd).create();
    }
    allowLeases(server, LeaderElection.LEASE_VERBS.toArray(String[]::new));

    CountOperator a = replica("replica-a");
    CountOperator b = replica("replica-b");
    a.start();
    b.start();
    try {
      String first = await().atMost(Duration.ofSeconds(30)).until(LeaderElectionTest::holder, h -> h != null);
      assertTrue(Set.of("replica-a", "replica-b").contains(first), first);

      DistributedCounter dc = Samples.singleRegion();
      dc.getMetadata().setName("led");
      dc.getMetadata().setNamespace(NS);
      client.resource(dc).create();
      await().atMost(Duration.ofSeconds(30)).until(() -> edgeReplicas("led") != null);

      // The leader goes away and gives the Lease back: the other replica takes it without waiting
      // for it to expire (15 s), and reconciles.
      long stoppedAt = System.nanoTime();
      (first.equals("replica-a") ? a : b).close();
      String second = await().atMost(Duration.ofSeconds(60)).until(LeaderElectionTest::holder,
          h -> h != null && !h.isEmpty() && !h.equals(first));
      assertTrue(Duration.ofNanos(System.nanoTime() - stoppedAt).toSeconds() < 12,
          "the released Lease is taken before it would have expired");
      assertNotEquals(first, second);
      client.resources(DistributedCounter.class).inNamespace(NS).withName("led").edit(r -> {
        r.getSpec().getEdge().setReplicas(7);
        return r;
      });
      await().atMost(Duration.ofSeconds(30)).until(() -> Integer.valueOf(7).equals(edgeReplicas("led")));
      assertEquals(7, edgeReplicas("led"));
    } finally {
      a.close();
      b.close();
    }
  }
}
