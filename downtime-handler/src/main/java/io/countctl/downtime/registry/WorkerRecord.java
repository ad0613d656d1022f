package io.countctl.downtime.registry;

import java.util.OptionalLong;
import java.util.Set;

/** What the handler knows of one worker: its last heartbeat (if it sends any) and its frontends. */
public record WorkerRecord(String worker, OptionalLong lastHeartbeatMs, Set<String> frontends) {
  public WorkerRecord {
    frontends = Set.copyOf(frontends);
  }
}
