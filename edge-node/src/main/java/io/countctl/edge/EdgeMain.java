package io.countctl.edge;

import io.countctl.core.config.ConfigException;
import io.countctl.core.config.Settings;

/** {@code java -jar edge-node.jar [--flag=value …]}: configuration from COUNT_* variables and flags. */
public final class EdgeMain {
  private EdgeMain() {}

  public static void main(String[] args) {
    EdgeConfig config;
    try {
      config = EdgeConfig.from(Settings.fromEnvAndArgs(System.getenv(), args));
    } catch (ConfigException e) {
      System.err.println("edge-node: " + e.getMessage());
      System.exit(2);
      return;
    }
    EdgeNode node = EdgeNode.start(config);
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(node::close));
  }
}
