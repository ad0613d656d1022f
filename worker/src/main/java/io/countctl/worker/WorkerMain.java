package io.countctl.worker;

import io.countctl.core.config.ConfigException;
import io.countctl.core.config.Settings;

/** {@code java -jar worker.jar [--flag=value …]}: configuration from COUNT_* variables and flags. */
public final class WorkerMain {
  private WorkerMain() {}

  public static void main(String[] args) {
    WorkerConfig config;
    try {
      config = WorkerConfig.from(Settings.fromEnvAndArgs(System.getenv(), args));
    } catch (ConfigException e) {
      System.err.println("worker: " + e.getMessage());
      System.exit(2);
      return;
    }
    Worker worker = Worker.start(config);
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(worker::close));
  }
}
