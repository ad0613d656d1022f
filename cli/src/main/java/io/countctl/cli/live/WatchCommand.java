package io.countctl.cli.live;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code countctl watch <counter> <id>…}: one Server-Sent Events connection for all the ids,
 * printing each change as it comes; reconnects with Last-Event-ID when the stream drops.
 */
@Command(name = "watch", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Print live changes of counters (Server-Sent Events) until Ctrl-C.")
public final class WatchCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "Counter name, e.g. likes.")
  String counter;

  @Parameters(index = "1..*", arity = "1..*", description = "Ids to watch, e.g. post-1 post-2.")
  List<String> ids;

  @Option(names = "--url", defaultValue = "${env:COUNT_URL:-http://localhost:8080}",
      description = "Edge URL (default: ${DEFAULT-VALUE}).")
  URI url;

  @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table (a line per change) or json (default: ${DEFAULT-VALUE}).")
  String output;

  @Option(names = "--max-events", defaultValue = "0", description = "Stop after this many events (0: run until Ctrl-C).")
  long maxEvents;

  @Override
  public Integer call() throws InterruptedException {
    PrintStream out = System.out;
    StringBuilder keys = new StringBuilder();
    for (String id : ids) {
      keys.append(keys.isEmpty() ? "" : ",").append(id).append('/').append(counter);
    }
    URI stream = url.resolve("/v1/stream?counters=" + URLEncoder.encode(keys.toString(), StandardCharsets.UTF_8));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    String lastId = null;
    long seen = 0;
    long backoffMs = 500;
    while (true) {
      HttpRequest.Builder req = HttpRequest.newBuilder(stream).header("Accept", "text/event-stream").GET();
      if (lastId != null) {
        req.header("Last-Event-ID", lastId);
      }
      try {
        HttpResponse<InputStream> r = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
          String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
          System.err.println("countctl watch: " + r.statusCode() + " " + errorMessage(body));
          return 1;
        }
        backoffMs = 500;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
          String line;
          String event = "message";
          while ((line = in.readLine()) != null) {
            if (line.isEmpty()) {
              event = "message"; // an event ends with a blank line
            } else if (line.startsWith("event: ")) {
              event = line.substring(7);
            } else if (line.startsWith("id: ")) {
              lastId = line.substring(4);
            } else if (line.startsWith("data: ") && event.equals("reset")) {
              // The edge could not resume from our Last-Event-ID: current values follow.
              System.err.println("countctl watch: " + new JsonObject(line.substring(6)).getString("reason", "starting over"));
            } else if (line.startsWith("data: ")) {
              print(out, new JsonObject(line.substring(6)));
              if (maxEvents > 0 && ++seen >= maxEvents) {
                return 0;
              }
            }
          }
        }
        System.err.println("countctl watch: stream closed by the edge; reconnecting");
      } catch (ConnectException e) {
        System.err.println("countctl watch: no edge at " + url + " (start one with `countctl dev`); retrying");
      } catch (IOException e) {
        System.err.println("countctl watch: " + e.getMessage() + "; reconnecting");
      }
      Thread.sleep(backoffMs); // reconnect backoff
      backoffMs = Math.min(10_000, backoffMs * 2);
    }
  }

  private void print(PrintStream out, JsonObject e) {
    if ("json".equalsIgnoreCase(output)) {
      out.println(e.encode());
    } else {
      String count = e.containsKey("count_string") ? e.getString("count_string") : String.valueOf(e.getLong("count"));
      out.printf("%s/%s = %s%s%n", e.getString("id"), e.getString("counter"), count,
          e.getString("updated_at") == null ? "" : "  (updated " + e.getString("updated_at") + ")");
    }
    out.flush();
  }

  private static String errorMessage(String body) {
    try {
      return new JsonObject(body).getJsonObject("error").getString("message");
    } catch (RuntimeException e) {
      return body;
    }
  }
}
