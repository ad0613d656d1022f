package io.countctl.downtime.registry;

/**
 * The downtime handler's Redis keys. All carry the cluster's hash tag {@code {cluster}}, like the
 * rest of the platform's keys, so a script may touch several of them on a Redis Cluster too.
 *
 * <ul>
 *   <li>{@code {c}:dh:workers} set of worker ids known to the handler
 *   <li>{@code {c}:dh:frontends:<worker>} set of frontend base URLs that worker serves
 *   <li>{@code {c}:dh:heartbeats} hash worker → last heartbeat (epoch ms)
 * </ul>
 */
public record RegistryKeys(String cluster) {
  public String workers() {
    return "{" + cluster + "}:dh:workers";
  }

  public String frontends(String worker) {
    return "{" + cluster + "}:dh:frontends:" + worker;
  }

  public String heartbeats() {
    return "{" + cluster + "}:dh:heartbeats";
  }
}
