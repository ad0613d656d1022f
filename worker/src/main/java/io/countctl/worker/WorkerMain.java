package io.countctl.worker;

import io.countctl.core.config.ConfigException;
import io.countctl.core.config.Settings;
import io.countctl.worker.merge.RegionMergeConfig;
import io.countctl.worker.merge.RegionMerger;

/**
 * {@code java -jar worker.jar [--flag=value …]}: configuration from COUNT_* variables and flags;
 * {@code COUNT_ROLE} picks the worker (default) or the region-merge role.
 */
public final class WorkerMain {
  private WorkerMain() {}

  public static void main(String[] args) {
    AutoCloseable running;
    try {
      Settings settings = Settings.fromEnvAndArgs(System.getenv(), args);
      running = switch (Role.of(settings)) {
        case WORKER -> Worker.start(WorkerConfig.from(settings));
        case REGION_MERGE -> RegionMerger.start(RegionMergeConfig.from(settings));
      };
    } catch (ConfigException e) {
      System.err.println("worker: " + e.getMessage());
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
      try {
        running.close();
      } catch (Exception e) {
        System.err.println("worker: stopping: " + e);
      }
    }));
  }
}
