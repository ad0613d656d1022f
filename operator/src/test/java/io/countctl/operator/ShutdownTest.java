package io.countctl.operator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.operator.lease.LeaderElection;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The operator as a process (its main class in a child JVM) with leader election on: SIGTERM ends it
 * within seconds, having released its Lease, as a pod stop in a cluster does.
 */
@EnableKubernetesMockClient(crud = true)
class ShutdownTest {
  static final String LEASE_NS = "count-system";
  static KubernetesClient client;
  static KubernetesMockServer server;

  static String holder() {
    Lease lease = client.leases().inNamespace(LEASE_NS).withName("count-operator").get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  @Test
  void sigtermStopsTheLeaderWithinSecondsAndReleasesTheLease() throws Exception {
    LeaderElectionTest.allowLeases(server, LeaderElection.LEASE_VERBS.toArray(String[]::new));
    Path log = Files.createDirectories(Path.of("target", "shutdown-test")).resolve("operator.log");
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder(List.of(java,
        "-Dkubernetes.master=" + client.getMasterUrl(),
        "-Dkubernetes.trust.certificates=true",
        "-Dkubernetes.auth.tryKubeConfig=false",
        "-Dkubernetes.auth.tryServiceAccount=false",
        "-Dorg.slf4j.simpleLogger.showDateTime=true",
        "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
        "-cp", System.getProperty("java.class.path"),
        OperatorMain.class.getName()))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("COUNT_LEADER_ELECTION", "true");
    pb.environment().put("COUNT_LEASE_NAMESPACE", LEASE_NS);
    pb.environment().put("COUNT_LEASE_IDENTITY", "child-operator");
    pb.environment().put("COUNT_HTTP_PORT", "0");
    Process operator = pb.start();
    try {
      // Leading and reconciling (its controller started), as a pod is when it is stopped.
      await().atMost(Duration.ofSeconds(60)).until(() -> !operator.isAlive()
          || "child-operator".equals(holder()) && Files.readString(log).contains("controller started"));
      assertTrue(operator.isAlive(), "the operator exited on its own:\n" + Files.readString(log));

      long sent = System.nanoTime();
      operator.destroy(); // SIGTERM
      boolean exited = operator.waitFor(15, TimeUnit.SECONDS);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
      assertTrue(exited, "still running 15 s after SIGTERM:\n" + Files.readString(log));
      System.out.println("operator exited " + tookMs + " ms after SIGTERM");
      assertTrue(tookMs < 5_000, "SIGTERM took " + tookMs + " ms:\n" + Files.readString(log));
      // Released as fabric8 releases: a 1 s duration from the moment of release, so the next replica
      // takes it at its next try instead of waiting out the 15 s lease.
      Lease lease = client.leases().inNamespace(LEASE_NS).withName("count-operator").get();
      assertTrue(lease.getSpec().getLeaseDurationSeconds() == 1, "the Lease is released: " + lease.getSpec());
      assertTrue(Files.readString(log).contains("count-operator stopped"), Files.readString(log));
    } finally {
      operator.destroyForcibly();
    }
  }
}
