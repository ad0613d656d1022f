package io.countctl.operator.chart;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.operator.CountOperator;
import io.countctl.operator.OperatorConfig;
import io.countctl.operator.Samples;
import io.countctl.api.model.DistributedCounter;
import io.countctl.api.model.PeerSpec;
import io.countctl.operator.lease.LeaderElection;
import io.countctl.operator.reconcile.ImageDefaults;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.FileInputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every request the operator sends — its own and those JOSDK and fabric8 make underneath (informers'
 * list and watch, finalizer patches, the Lease's merge patch) — through a whole life cycle with leader
 * election on (create, spec change, peers added, delete, stop), each mapped to the RBAC verb a real
 * API server would check and found in the chart's ClusterRole. The SelfSubjectRulesReview is left
 * out: every authenticated user may create one ({@code system:basic-user}).
 */
@EnableKubernetesMockClient(crud = true)
class ObservedRbacTest {
  static final String NS = "apps";
  static KubernetesClient client;
  static KubernetesMockServer server;
  static final String AGENT = "count-operator-under-test";

  @Test
  void everyRequestOfALifeCycleIsGrantedByTheChart() throws Exception {
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, new SelfSubjectRulesReviewBuilder().withNewStatus().withIncomplete(false)
            .withResourceRules(new ResourceRuleBuilder().withApiGroups("coordination.k8s.io")
                .withResources("leases").withVerbs(LeaderElection.LEASE_VERBS).build())
            .endStatus().build())
        .always();
    try (var crd = new FileInputStream("../crds/distributedcounters.counters.countctl.io-v1.yml")) {
      client.apiextensions().v1().customResourceDefinitions().load(crd).create();
    }
    drain(); // the test's own set-up

    var config = new OperatorConfig(Set.of(), true, "count-operator", "count-system", "observed", false, 0,
        ImageDefaults.BUILT_IN);
    // The operator's own client, told apart on the wire by its User-Agent.
    KubernetesClient operatorClient = new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(client.getConfiguration()).withUserAgent(AGENT).build()).build();
    CountOperator operator = new CountOperator(operatorClient, config, new SimpleMeterRegistry());
    operator.start();
    try {
      DistributedCounter dc = Samples.singleRegion();
      dc.getMetadata().setName("rbac");
      dc.getMetadata().setNamespace(NS);
      client.resource(dc).create();
      await().atMost(Duration.ofSeconds(30)).until(() -> deployment("rbac-downtime-handler") != null);
      // The operator patches the resource too (finalizer): retry on a conflict as kubectl would.
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
        client.resources(DistributedCounter.class).inNamespace(NS).withName("rbac").edit(r -> {
          r.getSpec().getEdge().setReplicas(5);
          r.getSpec().setPeers(List.of(new PeerSpec("us-east", "http://merge.us-east.example:8080")));
          return r;
        });
        return true;
      });
      await().atMost(Duration.ofSeconds(30)).until(() -> deployment("rbac-region-merge") != null
          && deployment("rbac-edge").getSpec().getReplicas() == 5);
      client.resources(DistributedCounter.class).inNamespace(NS).withName("rbac").delete();
      await().atMost(Duration.ofSeconds(30)).until(() ->
          client.resources(DistributedCounter.class).inNamespace(NS).withName("rbac").get() == null);
      // fabric8 renews every 2 s; wait for one renewal so its verb is on the wire too.
      String renewed = renewTime();
      await().atMost(Duration.ofSeconds(20)).until(() -> !java.util.Objects.equals(renewed, renewTime()));
    } finally {
      operator.close();
      operatorClient.close();
    }

    Set<String> used = new TreeSet<>();
    RecordedRequest r;
    while ((r = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
      String access = access(r.getMethod(), r.getPath());
      if (AGENT.equals(r.getHeader("User-Agent")) && access != null && !access.startsWith("authorization.k8s.io selfsubjectrulesreviews ")) {
        used.add(access);
      }
    }
    ClusterRole role = RenderedChart.render(Map.of()).the(ClusterRole.class);
    Set<String> granted = new TreeSet<>();
    role.getRules().forEach(rule -> rule.getApiGroups().forEach(g -> rule.getResources().forEach(res ->
        rule.getVerbs().forEach(v -> granted.add(g + " " + res + " " + v)))));

    assertTrue(used.contains("coordination.k8s.io leases patch"), "the Lease is renewed by patch: " + used);
    assertTrue(used.contains("apps deployments watch"), used.toString());
    assertTrue(used.contains("counters.countctl.io distributedcounters patch"), "the finalizer: " + used);
    Set<String> refused = new TreeSet<>(used);
    refused.removeAll(granted);
    assertEquals(Set.of(), refused, "requests a real API server would refuse under the chart's ClusterRole; all used: " + used);
  }

  static String renewTime() {
    var lease = client.leases().inNamespace("count-system").withName("count-operator").get();
    return lease == null ? null : String.valueOf(lease.getSpec().getRenewTime());
  }

  static io.fabric8.kubernetes.api.model.apps.Deployment deployment(String name) {
    return client.apps().deployments().inNamespace(NS).withName(name).get();
  }

  static void drain() throws InterruptedException {
    while (server.takeRequest(50, TimeUnit.MILLISECONDS) != null) {
      // discard
    }
  }

  /** "group resource[/subresource] verb" of one API request, or null for a non-resource URL. */
  static String access(String method, String pathAndQuery) {
    URI uri = URI.create(pathAndQuery);
    String[] p = uri.getPath().replaceAll("^/+", "").split("/");
    String group;
    int i;
    if (p.length >= 2 && p[0].equals("api")) {
      group = "";
      i = 2;
    } else if (p.length >= 3 && p[0].equals("apis")) {
      group = p[1];
      i = 3;
    } else {
      return null;
    }
    if (i + 1 < p.length && p[i].equals("namespaces")) {
      i += 2; // /namespaces/{ns}/...
    }
    if (i >= p.length) {
      return null;
    }
    String resource = p[i];
    boolean named = i + 1 < p.length;
    if (i + 2 < p.length) {
      resource += "/" + p[i + 2];
    }
    boolean watch = uri.getQuery() != null && uri.getQuery().contains("watch=true");
    String verb = switch (method.toUpperCase(java.util.Locale.ROOT)) {
      case "GET" -> named ? "get" : watch ? "watch" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> named ? "delete" : "deletecollection";
      default -> method.toLowerCase(java.util.Locale.ROOT);
    };
    return group + " " + resource + " " + verb;
  }
}
