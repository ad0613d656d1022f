package io.countctl.cli.data;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code countctl inc|dec <counter> <id>} and the count read of {@code get}: counts through an edge. */
public final class CountCommands {
  private CountCommands() {}

  /** Options every data command takes. */
  static final class Target {
    @Parameters(index = "0", description = "Counter name, e.g. likes.")
    String counter;

    @Parameters(index = "1", description = "Id of the thing counted, e.g. post-1.")
    String id;

    @Option(names = "--url", defaultValue = "${env:COUNT_URL:-http://localhost:8080}", description = "Edge URL (default: ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table, json or yaml (default: ${DEFAULT-VALUE}).")
    String output;

    int print(Map<String, Object> answer) {
      Long count = EdgeJson.getLong(answer, "count");
      String updated = EdgeJson.getString(answer, "updated_at");
      switch (output.toLowerCase()) {
        case "json" -> System.out.println(EdgeJson.encode(answer));
        case "yaml" -> System.out.printf("id: %s%ncounter: %s%ncount: %d%nupdated_at: %s%n", id, counter,
            count, updated == null ? "null" : "\"" + updated + "\"");
        default -> System.out.printf("%s/%s = %d%s%n", id, counter, count, updated == null ? "" : "  (updated " + updated + ")");
      }
      return 0;
    }

    int run(java.util.function.Function<EdgeClient, Map<String, Object>> call) {
      try {
        return print(call.apply(new EdgeClient(url)));
      } catch (EdgeClient.EdgeError e) {
        System.err.println("countctl: " + e.getMessage());
        return 1;
      }
    }
  }

  /** What {@code inc} and {@code dec} share: the target, the amount and an optional idempotency key. */
  abstract static class Write implements Callable<Integer> {
    @Mixin Target target;

    @Option(names = "--by", defaultValue = "1", description = "Amount, 1 to 1000000 (default: ${DEFAULT-VALUE}).")
    long by;

    @Option(names = "--idempotency-key", description = "Count this write once however often it is retried.")
    String key;

    abstract boolean increment();

    @Override
    public Integer call() {
      return target.run(c -> c.write(target.counter, target.id, increment(), by, key));
    }
  }

  @Command(name = "inc", mixinStandardHelpOptions = true, description = "Increment a counter.")
  public static final class Inc extends Write {
    @Override
    boolean increment() {
      return true;
    }
  }

  @Command(name = "dec", mixinStandardHelpOptions = true, description = "Decrement a counter (it may go below zero).")
  public static final class Dec extends Write {
    @Override
    boolean increment() {
      return false;
    }
  }

  /** {@code countctl get <counter> <id>}: the count as an edge answers it. */
  public static int read(URI url, String counter, String id, String output, String scope) {
    Target t = new Target();
    t.counter = counter;
    t.id = id;
    t.url = url;
    t.output = output;
    return t.run(c -> c.read(counter, id, scope));
  }
}
