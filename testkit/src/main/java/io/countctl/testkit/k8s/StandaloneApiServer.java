package io.countctl.testkit.k8s;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * fabric8's CRUD mock API server as a process, for benchmarks of {@code countctl} against "a local
 * API server": installs the DistributedCounter CRD and the sample counter in namespace
 * {@code apps}, writes a kubeconfig pointing at it, and serves until stdin closes or it is killed.
 *
 * <p>Usage (from {@code cli/}, where {@code target/k8s-mock-lib} is):
 * {@code java -cp target/countctl.jar:../testkit/target/classes io.countctl.testkit.k8s.StandaloneApiServer
 * <kubeconfig-out> <crd.yml> <counter.yaml>}
 */
public final class StandaloneApiServer {
  private StandaloneApiServer() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: StandaloneApiServer <kubeconfig-out> <crd.yml> <counter.yaml>");
      System.exit(2);
    }
    try (KubernetesApiMock mock = KubernetesApiMock.startCrud()) {
      KubernetesClient client = mock.client();
      try (InputStream crd = new FileInputStream(args[1])) {
        client.apiextensions().v1().customResourceDefinitions().load(crd).create();
      }
      try (InputStream counter = new FileInputStream(args[2])) {
        client.load(counter).inNamespace("apps").create();
      }
      URI server = URI.create(client.getMasterUrl().toString());
      Files.writeString(Path.of(args[0]), """
          apiVersion: v1
          kind: Config
          clusters: [{name: mock, cluster: {server: "%s"}}]
          users: [{name: mock, user: {token: mock}}]
          contexts: [{name: mock, context: {cluster: mock, user: mock, namespace: apps}}]
          current-context: mock
          """.formatted(server));
      System.out.println("ready " + server);
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until stdin closes
      }
    }
  }
}
