package io.countctl.operator.dependent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How the operator decides whether to write an object: a hash of the desired state it built is kept
 * in the annotation {@value #HASH}, and an object is written only when that hash differs — the way
 * Strimzi decides. A real API server adds defaults ({@code revisionHistoryLimit},
 * {@code terminationMessagePath}, {@code securityContext: {}} …), controllers write status and users
 * add annotations ({@code kubectl rollout restart}); none of that is in the hash, so none of it makes
 * the operator write. Comparing the live object field by field (JOSDK's non-SSA matcher) mistook
 * such defaults for changes and rewrote every Deployment on every reconcile.
 *
 * <p>A ConfigMap's or Secret's data is the operator's alone and compared in full as well, so a key
 * edited or added by hand is put back too.
 *
 * <p>The hash is over a canonical form (map keys sorted), so it is stable across JVMs.
 */
public final class DesiredState {
  public static final String HASH = "counters.countctl.io/desired-hash";
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private DesiredState() {
  }

  /** The desired object with its hash annotation set. */
  public static <R extends HasMetadata> R stamped(R desired) {
    Map<String, String> annotations = desired.getMetadata().getAnnotations() == null
        ? new HashMap<>() : new HashMap<>(desired.getMetadata().getAnnotations());
    annotations.remove(HASH);
    desired.getMetadata().setAnnotations(annotations);
    String hash = hash(desired);
    annotations.put(HASH, hash);
    return desired;
  }

  /** True when the live object is what the operator last wrote for this desired state: no write needed. */
  public static boolean matches(HasMetadata actual, HasMetadata desired) {
    if (!Objects.equals(hashOf(actual), hashOf(desired))) {
      return false;
    }
    if (actual instanceof ConfigMap a && desired instanceof ConfigMap d) {
      return Objects.equals(orEmpty(a.getData()), orEmpty(d.getData()));
    }
    if (actual instanceof Secret a && desired instanceof Secret d) {
      return Objects.equals(orEmpty(a.getData()), orEmpty(d.getData()));
    }
    return true;
  }

  static String hashOf(HasMetadata o) {
    return o.getMetadata().getAnnotations() == null ? null : o.getMetadata().getAnnotations().get(HASH);
  }

  private static Map<String, String> orEmpty(Map<String, String> m) {
    return m == null ? Map.of() : m;
  }

  private static String hash(HasMetadata desired) {
    Object canonical = sorted(JSON.convertValue(desired, Map.class));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(JSON.asJson(canonical).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object sorted(Object o) {
    if (o instanceof Map<?, ?> m) {
      Map<String, Object> out = new TreeMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), sorted(v)));
      return out;
    }
    if (o instanceof List<?> l) {
      return l.stream().map(DesiredState::sorted).toList();
    }
    return o;
  }
}
