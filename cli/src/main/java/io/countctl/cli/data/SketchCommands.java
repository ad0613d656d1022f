package io.countctl.cli.data;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code countctl unique} and {@code countctl top}: a counter's sketch estimates through an edge. */
public final class SketchCommands {
  private SketchCommands() {}

  /** The counter, the edge and the output format. */
  static final class Target {
    @Parameters(index = "0", description = "Counter name, e.g. views.")
    String counter;

    @Parameters(index = "1", description = "Id of the thing counted, e.g. video-9.")
    String id;

    @Option(names = "--url", defaultValue = "${env:COUNT_URL:-http://localhost:8080}", description = "Edge URL (default: ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table, json or yaml (default: ${DEFAULT-VALUE}).")
    SketchOutput output;

    int run(java.util.function.Consumer<EdgeClient> call) {
      try {
        call.accept(new EdgeClient(url));
        return 0;
      } catch (EdgeClient.EdgeError e) {
        System.err.println("countctl: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "unique", mixinStandardHelpOptions = true, sortOptions = false,
      description = {
          "Estimated number of distinct users of a counter (writes that carried a \"user\"), with 95 %% bounds.",
          "",
          "Examples:",
          "  countctl unique views video-9",
          "  countctl unique views video-9 -o json"})
  public static final class Unique implements Callable<Integer> {
    @Mixin Target target;

    @Override
    public Integer call() {
      return target.run(c -> target.output.unique(System.out, target.counter, target.id, new JsonObject(c.unique(target.counter, target.id))));
    }
  }

  @Command(name = "top", mixinStandardHelpOptions = true, sortOptions = false,
      description = {
          "The most frequent users or items of a counter's writes (by weight: a write's \"by\"), with bounds that hold the",
          "true weight; --watch follows the list live.",
          "",
          "Examples:",
          "  countctl top comments post-1 --by user -k 10 --window 1h",
          "  countctl top views video-9                       (top items of all time)",
          "  countctl top comments post-1 --by user --window 10m --watch"})
  public static final class Top implements Callable<Integer> {
    @Mixin Target target;

    @Option(names = "--by", description = "user or item (the edge's default: item).")
    String by;

    @Option(names = "-k", description = "How many, 1 to the counter's topk (the edge's default: 10, or topk if lower).")
    Integer k;

    @Option(names = "--window", description = "1m, 10m, 1h, 24h or all (the edge's default: all).")
    String window;

    @Option(names = "--watch", description = "Print the list again each time it changes, until Ctrl-C.")
    boolean watch;

    @Option(names = "--max-events", defaultValue = "0", description = "With --watch: stop after this many lists (0: run until Ctrl-C).")
    long maxEvents;

    @Override
    public Integer call() throws InterruptedException {
      if (!watch) {
        return target.run(c -> target.output.top(System.out, target.counter, target.id,
            new JsonObject(c.top(target.counter, target.id, by, k, window))));
      }
      return follow(new EdgeClient(target.url).topUri(target.counter, target.id, by, k, window, true));
    }

    /** Follows {@code /top/stream}, reconnecting when it drops; a 4xx ends it with the edge's message. */
    private int follow(URI stream) throws InterruptedException {
      PrintStream out = System.out;
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
      long seen = 0;
      long backoffMs = 500;
      boolean connectedOnce = false;
      while (true) {
        try {
          HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(stream).header("Accept", "text/event-stream").GET().build(),
              HttpResponse.BodyHandlers.ofInputStream());
          if (r.statusCode() != 200) {
            String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
            System.err.println("countctl: " + errorMessage(body, r.statusCode()));
            if (r.statusCode() < 500) {
              return 1;
            }
          } else {
            connectedOnce = true;
            backoffMs = 500;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
              String line;
              while ((line = in.readLine()) != null) {
                if (line.startsWith("data: ")) {
                  if (seen > 0 && target.output == SketchOutput.TABLE) {
                    out.println();
                  } else if (seen > 0 && target.output == SketchOutput.YAML) {
                    out.println("---");
                  }
                  target.output.top(out, target.counter, target.id, new JsonObject(line.substring(6)));
                  out.flush();
                  if (maxEvents > 0 && ++seen >= maxEvents) {
                    return 0;
                  }
                  seen = Math.max(seen, 1);
                }
              }
            }
            System.err.println("countctl: the edge closed the stream; reconnecting");
          }
        } catch (ConnectException e) {
          if (!connectedOnce) {
            System.err.println("countctl: no edge at " + target.url + ": start one with `countctl dev`, or pass --url");
            return 1;
          }
          System.err.println("countctl: lost the edge at " + target.url + "; retrying");
        } catch (IOException e) {
          System.err.println("countctl: " + e.getMessage() + "; reconnecting");
        }
        Thread.sleep(backoffMs);
        backoffMs = Math.min(10_000, backoffMs * 2);
      }
    }

    private static String errorMessage(String body, int status) {
      try {
        JsonObject err = new JsonObject(body).getJsonObject("error");
        return err.getString("message") + " (" + err.getString("code") + ")";
      } catch (RuntimeException e) {
        return "HTTP " + status;
      }
    }
  }
}
