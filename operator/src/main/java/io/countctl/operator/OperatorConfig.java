package io.countctl.operator;

import io.countctl.api.config.Setting;
import io.countctl.operator.reconcile.ImageDefaults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Configuration of the operator, from its environment (the Helm chart sets it), parsed here only.
 *
 * <p>Every variable it reads, with its default and meaning, is listed in {@link Setting} (readers
 * {@code OPERATOR}) and in docs/configuration.md, generated from there.
 */
public record OperatorConfig(
    Set<String> namespaces,
    boolean leaderElection,
    String leaseName,
    String leaseNamespace,
    String leaseIdentity,
    boolean exitOnLostLease,
    int httpPort,
    ImageDefaults images) {

  static final Path SERVICE_ACCOUNT_NAMESPACE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  public OperatorConfig {
    namespaces = Set.copyOf(namespaces);
    if (httpPort < 0 || httpPort > 65535) {
      throw new IllegalArgumentException(Setting.HTTP_PORT.key() + " must be between 0 and 65535, got " + httpPort);
    }
  }

  /** Everything namespaces: watch all. */
  public boolean watchesAllNamespaces() {
    return namespaces.isEmpty();
  }

  public static OperatorConfig from(Map<String, String> env) {
    boolean inCluster = !get(env, "KUBERNETES_SERVICE_HOST", "").isBlank();
    Set<String> namespaces = Arrays.stream(get(env, Setting.WATCH_NAMESPACES.key(), "").split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    return new OperatorConfig(
        namespaces,
        bool(env, Setting.LEADER_ELECTION.key(), inCluster),
        get(env, Setting.LEASE_NAME.key(), "count-operator"),
        get(env, Setting.LEASE_NAMESPACE.key(), ownNamespace()),
        get(env, Setting.LEASE_IDENTITY.key(), get(env, "HOSTNAME", java.util.UUID.randomUUID().toString())),
        bool(env, Setting.EXIT_ON_LOST_LEASE.key(), true),
        integer(env, Setting.HTTP_PORT.key(), 8080),
        new ImageDefaults(
            get(env, Setting.IMAGE_REGISTRY.key(), ImageDefaults.BUILT_IN.registry()),
            get(env, Setting.IMAGE_TAG.key(), ImageDefaults.BUILT_IN.tag()),
            get(env, Setting.IMAGE_PULL_POLICY.key(), ImageDefaults.BUILT_IN.pullPolicy())));
  }

  private static String get(Map<String, String> env, String name, String fallback) {
    String v = env.get(name);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  private static boolean bool(Map<String, String> env, String name, boolean fallback) {
    String v = get(env, name, String.valueOf(fallback)).toLowerCase(Locale.ROOT);
    return switch (v) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw new IllegalArgumentException(name + " must be true or false, got '" + v + "'");
    };
  }

  private static int integer(Map<String, String> env, String name, int fallback) {
    String v = get(env, name, String.valueOf(fallback));
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got '" + v + "'");
    }
  }

  private static String ownNamespace() {
    try {
      return Files.readString(SERVICE_ACCOUNT_NAMESPACE).trim();
    } catch (IOException | SecurityException e) {
      return "default"; // not in a pod
    }
  }
}
