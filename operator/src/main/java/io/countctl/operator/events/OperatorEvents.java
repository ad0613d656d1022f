package io.countctl.operator.events;

import io.countctl.operator.reconcile.CounterPlan;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events (core/v1) about a DistributedCounter, as {@code kubectl describe} and
 * {@code kubectl get events} show them: {@code Created}/{@code Updated} when the operator writes one
 * of its objects, {@code Failed} (Warning) when a reconciliation goes wrong. fabric8 has no event
 * recorder, so the Event is built here. An Event that cannot be written is logged and dropped: it
 * must never fail a reconciliation.
 */
public final class OperatorEvents {
  public static final String NORMAL = "Normal";
  public static final String WARNING = "Warning";
  private static final Logger LOG = LoggerFactory.getLogger(OperatorEvents.class);

  private OperatorEvents() {
  }

  public static void normal(KubernetesClient client, HasMetadata about, String reason, String message) {
    emit(client, about, NORMAL, reason, message);
  }

  public static void warning(KubernetesClient client, HasMetadata about, String reason, String message) {
    emit(client, about, WARNING, reason, message);
  }

  private static void emit(KubernetesClient client, HasMetadata about, String type, String reason, String message) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    var event = new EventBuilder()
        .withNewMetadata()
        .withGenerateName(about.getMetadata().getName() + ".")
        .withNamespace(about.getMetadata().getNamespace())
        .endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder()
            .withApiVersion(about.getApiVersion())
            .withKind(about.getKind())
            .withName(about.getMetadata().getName())
            .withNamespace(about.getMetadata().getNamespace())
            .withUid(about.getMetadata().getUid())
            .withResourceVersion(about.getMetadata().getResourceVersion())
            .build())
        .withType(type)
        .withReason(reason)
        .withMessage(message.length() > 1024 ? message.substring(0, 1024) : message)
        .withNewSource().withComponent(CounterPlan.OPERATOR_NAME).endSource()
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .build();
    try {
      client.v1().events().inNamespace(about.getMetadata().getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.warn("could not record event {} on {}/{}: {}", reason, about.getMetadata().getNamespace(),
          about.getMetadata().getName(), e.getMessage());
    }
  }
}
