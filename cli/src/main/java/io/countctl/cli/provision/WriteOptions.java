package io.countctl.cli.provision;

import io.countctl.api.config.AckMode;
import io.countctl.api.model.CounterOptions;
import io.countctl.api.model.CounterSpecs;
import io.countctl.api.model.DistributedCounterSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Option;

/** {@code --ack-mode --flush-ms --counter}: how edges answer and flush writes, and each counter's sketches. */
public final class WriteOptions {
  @Option(names = "--flush-ms", description = "Edge flush interval in ms (default 5 durable, 1000 buffered).")
  Integer flushMs;

  @Option(names = "--ack-mode", description = "durable or buffered (default durable).")
  String ackMode;

  @Option(names = "--counter", paramLabel = "NAME[:lgk=L][:topk=K][:windows=W+W]",
      description = {"Sketch options of one counter name; repeatable. Unique counts and top-K need none.",
          "lgk: unique-count sketch size 10..16 (default 13); topk: largest k of /top, 0 = off, up to 1000"
              + " (default 32); windows: of 1m, 10m, 1h, 24h, all (default all five)."})
  List<String> counters = new ArrayList<>();

  void applyTo(DistributedCounterSpec spec) {
    if (flushMs != null) {
      spec.setFlushIntervalMs(flushMs);
    }
    if (ackMode != null) {
      spec.setAckMode(switch (ackMode.toLowerCase(Locale.ROOT)) {
        case "durable" -> AckMode.DURABLE;
        case "buffered" -> AckMode.BUFFERED;
        default -> throw new ProvisionException(2, "--ack-mode must be durable or buffered, got '" + ackMode + "'");
      });
    }
    for (String c : counters) {
      spec.getCounters().add(counterOptions(c));
    }
  }

  /** {@code NAME[:lgk=L][:topk=K][:windows=W+W]}; bounds are the validator's, which names the field. */
  static CounterOptions counterOptions(String text) {
    String[] parts = text.split(":", -1);
    CounterOptions o = new CounterOptions(parts[0]);
    Set<String> given = new HashSet<>();
    for (int i = 1; i < parts.length; i++) {
      String part = parts[i];
      int eq = part.indexOf('=');
      String key = eq < 0 ? part : part.substring(0, eq);
      String value = eq < 0 ? null : part.substring(eq + 1);
      if (key.equals("unique")) {
        throw new ProvisionException(2, "--counter " + text + ": 'unique' is no longer an option: unique counts need no"
            + " set-up (a write's \"user\" feeds them for every counter); lgk=L sets their sketch size");
      }
      if (!List.of("lgk", "topk", "windows").contains(key) || value == null || value.isEmpty()) {
        throw new ProvisionException(2, "--counter " + text + ": unknown option '" + part
            + "' (lgk=L, topk=K, windows=W+W with W of " + String.join(", ", CounterSpecs.WINDOWS) + ")");
      }
      if (!given.add(key)) {
        throw new ProvisionException(2, "--counter " + text + ": " + key + " is given twice");
      }
      switch (key) {
        case "lgk" -> o.setUniqueLgK(number(text, key, value));
        case "topk" -> o.setTopK(number(text, key, value));
        default -> o.setWindows(List.of(value.split("\\+", -1)));
      }
    }
    return o;
  }

  private static int number(String text, String key, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new ProvisionException(2, "--counter " + text + ": " + key + " needs a number, got '" + value + "'");
    }
  }
}
