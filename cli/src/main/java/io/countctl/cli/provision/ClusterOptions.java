package io.countctl.cli.provision;

import io.countctl.api.model.DistributedCounter;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which cluster and namespace: the current kubeconfig context unless told otherwise. */
public final class ClusterOptions {
  static final String CRD = DistributedCounter.PLURAL + "." + DistributedCounter.GROUP;

  @Option(names = "--kubeconfig", description = "Kubeconfig file (default: $KUBECONFIG or ~/.kube/config).")
  File kubeconfig;

  @Option(names = "--context", description = "Kubeconfig context (default: the current one).")
  String context;

  @Option(names = {"-n", "--namespace"}, description = "Namespace (default: the context's, else 'default').")
  String namespace;

  /** A client of the chosen cluster; fails with a readable message when there is none. */
  KubernetesClient connect() {
    // Fail fast: a person is waiting, and an unreachable API server does not come back in seconds.
    return connect(5_000, 15_000);
  }

  /** The same with these timeouts (shell completion waits less). */
  KubernetesClient connect(int connectTimeoutMs, int requestTimeoutMs) {
    Config config;
    if (kubeconfig != null) {
      if (!kubeconfig.isFile()) {
        throw new ProvisionException(1, "kubeconfig " + kubeconfig + " does not exist");
      }
      config = Config.fromKubeconfig(context, kubeconfig);
    } else {
      if (!anyKubeconfig()) {
        throw new ProvisionException(1, "no Kubernetes cluster configured: no $KUBECONFIG, no ~/.kube/config and not"
            + " inside a pod. Point countctl at a cluster with --kubeconfig, or set up kubectl first.");
      }
      config = Config.autoConfigure(context);
    }
    config.setRequestRetryBackoffLimit(0);
    config.setConnectionTimeout(connectTimeoutMs);
    config.setRequestTimeout(requestTimeoutMs);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  String namespaceOf(KubernetesClient client) {
    if (namespace != null && !namespace.isBlank()) {
      return namespace;
    }
    String ns = client.getNamespace();
    return ns == null || ns.isBlank() ? "default" : ns;
  }

  /** Turns what the API server or the HTTP client said into something a person can act on. */
  static ProvisionException explain(KubernetesClientException e, KubernetesClient client, String what) {
    // No HTTP status at all: the request never got an answer.
    int code = e.getStatus() == null && e.getCode() < 100 ? 0 : e.getCode();
    String status = e.getStatus() == null || e.getStatus().getMessage() == null ? e.getMessage() : e.getStatus().getMessage();
    return switch (code) {
      case 0 -> new ProvisionException(1, "cannot reach the Kubernetes API at " + client.getMasterUrl() + " ("
          + rootMessage(e) + "). Is the cluster running and is kubectl configured for it?");
      case 401 -> new ProvisionException(1, "the Kubernetes API at " + client.getMasterUrl()
          + " did not accept your credentials (401); log in again or check the kubeconfig's user");
      case 403 -> new ProvisionException(1, "not allowed to " + what + ": " + status);
      case 404 -> new ProvisionException(1, status);
      default -> new ProvisionException(1, "could not " + what + ": " + status);
    };
  }

  /** When the DistributedCounter kind is unknown to the cluster, say how to install it. */
  static void requireCrd(KubernetesClient client) {
    boolean known;
    try {
      known = client.supports(DistributedCounter.class);
    } catch (KubernetesClientException e) {
      throw explain(e, client, "look up the DistributedCounter API");
    }
    if (!known) {
      throw new ProvisionException(1, "the DistributedCounter CRD (" + CRD + ") is not installed in the cluster at "
          + client.getMasterUrl() + ". Install the operator: helm install count-operator charts/count-operator"
          + " -n count-system --create-namespace (or kubectl apply -f crds/" + CRD + "-v1.yml)");
    }
  }

  private static boolean anyKubeconfig() {
    String env = System.getenv("KUBECONFIG");
    return env != null && !env.isBlank()
        || Files.isRegularFile(Path.of(System.getProperty("user.home"), ".kube", "config"))
        || System.getenv("KUBERNETES_SERVICE_HOST") != null;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
