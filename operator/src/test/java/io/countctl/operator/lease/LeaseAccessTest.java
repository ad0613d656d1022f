package io.countctl.operator.lease;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

/**
 * The start-up check asks for the verbs fabric8's LeaseLock really uses. The rules below are the
 * chart's former lease rule, under which a real API server refused the first renewal (recorded in
 * k8s-fixtures/audit-lease-403.json: {@code cannot patch resource "leases"}).
 */
@EnableKubernetesMockClient(crud = true)
class LeaseAccessTest {
  static KubernetesClient client;
  static KubernetesMockServer server;

  @Test
  void startUpRefusesRulesWithoutLeasePatch() {
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, new SelfSubjectRulesReviewBuilder().withNewStatus().withIncomplete(false)
            .withResourceRules(new ResourceRuleBuilder().withApiGroups("coordination.k8s.io")
                .withResources("leases").withVerbs("get", "create", "update").build())
            .endStatus().build())
        .always();
    LeaderElection election = new LeaderElection(client, "count-system", "count-operator", "me", () -> { }, () -> { });
    var e = assertThrows(IllegalStateException.class, election::checkAccess);
    assertTrue(e.getMessage().contains("[patch]"), e.getMessage());
  }
}
