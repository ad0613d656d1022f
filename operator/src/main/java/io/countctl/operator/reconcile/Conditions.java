package io.countctl.operator.reconcile;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the status conditions of one reconciliation, keeping a condition's
 * {@code lastTransitionTime} when its status did not change (so it tells when it last flipped).
 */
final class Conditions {
  private final List<Condition> previous;
  private final long generation;
  private final List<Condition> next = new ArrayList<>();

  Conditions(List<Condition> previous, long generation) {
    this.previous = previous == null ? List.of() : previous;
    this.generation = generation;
  }

  Conditions set(String type, boolean status, String reason, String message) {
    String value = status ? "True" : "False";
    String since = previous.stream()
        .filter(c -> type.equals(c.getType()) && value.equals(c.getStatus()))
        .map(Condition::getLastTransitionTime)
        .findFirst()
        .orElseGet(() -> Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    next.add(new ConditionBuilder()
        .withType(type)
        .withStatus(value)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(since)
        .build());
    return this;
  }

  List<Condition> build() {
    return List.copyOf(next);
  }
}
