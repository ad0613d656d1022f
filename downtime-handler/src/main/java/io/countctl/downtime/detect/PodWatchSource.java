package io.countctl.downtime.detect;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the cluster's worker pods (labels {@code app.kubernetes.io/component=worker},
 * {@code app.kubernetes.io/instance=<cluster>}) with a shared informer. A worker's id is its pod
 * name. A worker is dead when
 *
 * <ul>
 *   <li>its pod is deleted;
 *   <li>a container of its pod restarted (the process, and the subscriptions it held in memory, are
 *       gone although the pod name lives on);
 *   <li>it is registered but has no pod, in two reconcile passes in a row: deletions that happened
 *       while this handler was down, or that a watch gap swallowed. Two passes, because a brand-new
 *       pod may register before its watch event reaches this informer.
 * </ul>
 */
public final class PodWatchSource implements WorkerDeathSource {
  private static final Logger LOG = LoggerFactory.getLogger(PodWatchSource.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String cluster;
  private final Supplier<Set<String>> registeredWorkers;
  private final Duration reconcileEvery;
  private final Clock clock;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("pod-reconcile").factory());
  private volatile SharedIndexInformer<Pod> informer;
  private volatile String lastFailure;
  private Set<String> missingLastPass = Set.of(); // only touched by the timer thread

  /**
   * @param registeredWorkers the workers the registry knows (blocking; called on this source's timer)
   */
  public PodWatchSource(KubernetesClient client, String namespace, String cluster,
      Supplier<Set<String>> registeredWorkers, Duration reconcileEvery, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.cluster = cluster;
    this.registeredWorkers = registeredWorkers;
    this.reconcileEvery = reconcileEvery;
    this.clock = clock;
  }

  @Override
  public void start(Consumer<WorkerDeath> onDeath) {
    SharedIndexInformer<Pod> inf = client.pods().inNamespace(namespace)
        .withLabel("app.kubernetes.io/component", "worker")
        .withLabel("app.kubernetes.io/instance", cluster)
        .runnableInformer(0);
    inf.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod pod) {}

      @Override
      public void onUpdate(Pod before, Pod after) {
        if (restarts(after) > restarts(before)) {
          report(onDeath, after, "pod-restarted");
        }
      }

      @Override
      public void onDelete(Pod pod, boolean finalStateUnknown) {
        report(onDeath, pod, "pod-deleted");
      }
    });
    // fabric8's default gives up when the first list fails (a 403 before the RoleBinding exists, an
    // API server not reachable yet) and never retries. Retry always, with the informer's own
    // back-off, and say why in /readyz until it syncs.
    inf.exceptionHandler((started, err) -> {
      String reason = rootMessage(err);
      lastFailure = reason;
      LOG.warn("pod watch in namespace {} failed ({}), retrying: {}", namespace, started ? "after start" : "to start", reason);
      return true;
    });
    // start() does not wait for the API server: until it answers, /readyz says why.
    inf.start().whenComplete((ok, err) -> {
      if (err != null) {
        LOG.warn("pod watch in namespace {} did not start: {}", namespace, err.toString());
      } else {
        LOG.info("watching worker pods of {} in namespace {}", cluster, namespace);
      }
    });
    informer = inf;
    timer.scheduleWithFixedDelay(() -> reconcile(onDeath), reconcileEvery.toMillis(), reconcileEvery.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void report(Consumer<WorkerDeath> onDeath, Pod pod, String source) {
    String name = pod.getMetadata().getName();
    LOG.info("worker pod {} {}", name, source.equals("pod-deleted") ? "deleted" : "restarted a container");
    onDeath.accept(new WorkerDeath(name, source, clock.millis()));
  }

  private void reconcile(Consumer<WorkerDeath> onDeath) {
    SharedIndexInformer<Pod> inf = informer;
    if (inf == null || !inf.hasSynced()) {
      return; // an empty cache would make every worker look dead
    }
    try {
      Set<String> pods = inf.getStore().list().stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
      Set<String> missing = new HashSet<>(registeredWorkers.get());
      missing.removeAll(pods);
      for (String worker : missing) {
        if (missingLastPass.contains(worker)) {
          LOG.info("worker {} is registered but has no pod: dead", worker);
          onDeath.accept(new WorkerDeath(worker, "pod-missing", clock.millis()));
        }
      }
      missingLastPass = missing;
    } catch (RuntimeException e) {
      LOG.warn("pod reconcile failed: {}", e.toString());
    }
  }

  private static int restarts(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return 0;
    }
    return pod.getStatus().getContainerStatuses().stream()
        .map(ContainerStatus::getRestartCount)
        .mapToInt(n -> n == null ? 0 : n)
        .sum();
  }

  @Override
  public String problem() {
    SharedIndexInformer<Pod> inf = informer;
    if (inf != null && inf.hasSynced()) {
      return "";
    }
    String failure = lastFailure;
    return failure == null
        ? "worker pod watch not synced with the Kubernetes API yet"
        : "worker pod watch not started, retrying: " + failure;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    SharedIndexInformer<Pod> inf = informer;
    if (inf != null) {
      inf.close();
    }
  }
}
