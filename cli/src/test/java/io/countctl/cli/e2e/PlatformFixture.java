package io.countctl.cli.e2e;

import io.countctl.api.config.Setting;
import io.countctl.core.config.Settings;
import io.countctl.edge.EdgeConfig;
import io.countctl.edge.EdgeNode;
import io.countctl.testkit.RedisTestServer;
import io.countctl.testkit.TestServers;
import io.countctl.worker.Worker;
import io.countctl.worker.WorkerConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The platform an end-to-end test runs against: testkit's Kafka and Redis ({@link TestServers})
 * and the workers and edges the test starts on them, all sharing one set of settings and all
 * stopped by {@link #close} (edges, then workers, then the servers).
 */
public final class PlatformFixture implements AutoCloseable {
  private final TestServers servers;
  private final Map<String, String> common;
  private final List<Worker> workers = new ArrayList<>();
  private final List<EdgeNode> edges = new ArrayList<>();

  private PlatformFixture(TestServers servers, Map<String, String> common) {
    this.servers = servers;
    this.common = common;
  }

  /**
   * Kafka and Redis for {@code cluster}; every component gets their addresses, any free HTTP
   * port, 4 partitions and 2 event loops, overlaid by {@code common}.
   */
  public static PlatformFixture start(String cluster, Map<String, String> common) {
    TestServers servers = TestServers.start();
    Map<String, String> m = servers.settings(cluster, Map.of(Setting.PARTITIONS.key(), "4", Setting.EVENT_LOOPS.key(), "2"));
    m.putAll(common);
    return new PlatformFixture(servers, m);
  }

  /** The common settings overlaid by {@code own}. */
  public Settings settings(Map<String, String> own) {
    Map<String, String> m = new HashMap<>(common);
    m.putAll(own);
    return Settings.of(m);
  }

  public Worker startWorker(String id) {
    return startWorker(id, Map.of());
  }

  /** Starts a worker named {@code id} with the common settings overlaid by {@code own}. */
  public Worker startWorker(String id, Map<String, String> own) {
    Map<String, String> m = new HashMap<>(own);
    m.put(Setting.WORKER_ID.key(), id);
    Worker w = Worker.start(WorkerConfig.from(settings(m)));
    workers.add(w);
    return w;
  }

  public EdgeNode startEdge(String id) {
    return startEdge(id, Map.of());
  }

  /** Starts an edge named {@code id} with the common settings overlaid by {@code own}. */
  public EdgeNode startEdge(String id, Map<String, String> own) {
    Map<String, String> m = new HashMap<>(own);
    m.put(Setting.EDGE_ID.key(), id);
    EdgeNode e = EdgeNode.start(EdgeConfig.from(settings(m)));
    edges.add(e);
    return e;
  }

  /** Kills a worker as a crash does; it is not closed again. */
  public void crash(Worker worker) {
    worker.crash();
    workers.remove(worker);
  }

  /** The running workers, oldest first. */
  public List<Worker> workers() {
    return List.copyOf(workers);
  }

  /** The edges, oldest first. */
  public List<EdgeNode> edges() {
    return List.copyOf(edges);
  }

  public EdgeNode edge(int i) {
    return edges.get(i);
  }

  public RedisTestServer redis() {
    return servers.redis();
  }

  @Override
  public void close() {
    try {
      edges.forEach(EdgeNode::close);
      workers.forEach(Worker::close);
    } finally {
      servers.close();
    }
  }
}
