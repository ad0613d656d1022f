package io.countctl.downtime;

import io.countctl.core.config.ConfigException;
import io.countctl.core.config.Settings;
import java.util.concurrent.CountDownLatch;

/** {@code java -jar downtime-handler.jar [--redis-url=redis://… …]}: runs until SIGTERM / Ctrl-C. */
public final class DowntimeHandlerMain {
  private DowntimeHandlerMain() {}

  public static void main(String[] args) throws InterruptedException {
    DowntimeConfig config;
    try {
      config = DowntimeConfig.from(Settings.fromEnvAndArgs(System.getenv(), args));
    } catch (ConfigException e) {
      System.err.println("downtime-handler: " + e.getMessage());
      System.exit(2);
      return;
    }
    DowntimeHandler handler = DowntimeHandler.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      handler.close();
      stopped.countDown();
    }, "downtime-handler-shutdown"));
    stopped.await();
  }
}
