package io.countctl.operator.dependent;

import io.countctl.api.model.DistributedCounter;
import io.countctl.operator.reconcile.CounterPlan;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * {@code <name>-internal}: the shared secret workers and the downtime handler present to the edges'
 * {@code /internal/*} webhooks ({@code COUNT_INTERNAL_SECRET}). Generated once and then kept.
 */
public class InternalSecretDependent extends PlatformDependent<Secret> {
  public static final String KEY = "secret";

  private final SecureRandom random = new SecureRandom();

  public InternalSecretDependent() {
    super(Secret.class);
  }

  @Override
  protected String objectName(String counterName) {
    return counterName + "-internal";
  }

  @Override
  protected Secret build(DistributedCounter primary, Context<DistributedCounter> context) {
    CounterPlan plan = plan(context);
    // Keep the value once made: a new one would lock running edges and workers out of each other.
    Map<String, String> data = getSecondaryResource(primary, context)
        .map(Secret::getData)
        .filter(d -> d.containsKey(KEY))
        .orElseGet(() -> Map.of(KEY, newSecret()));
    return new SecretBuilder()
        .withNewMetadata()
        .withName(plan.secretName())
        .withNamespace(plan.namespace())
        .withLabels(plan.labels())
        .endMetadata()
        .withType("Opaque")
        .withData(Map.of(KEY, data.get(KEY)))
        .build();
  }

  private String newSecret() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    return Base64.getEncoder().encodeToString(token.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }
}
