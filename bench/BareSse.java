import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The floor an SSE connection costs in Vert.x 5 and Netty, without anything of ours: a bare HTTP
 * server whose every request becomes an open text/event-stream that gets one event, and one
 * shared heartbeat timer. Measured with {@code countctl bench-live --edge-pid} against it, the
 * same way as against the edge (bench/RESULTS.md, "SSE: memory and latency").
 *
 * <pre>
 *   java -cp cli/target/countctl.jar bench/BareSse.java PORT [router] [strict] [loops=N]
 * </pre>
 * {@code router}: route through vertx-web's Router, as the edge does (the RoutingContext then
 * stays reachable from the response for as long as the stream is open). {@code strict}: Vert.x 5's
 * strict thread mode ({@code HttpServerOptions.setStrictThreadMode}): writes happen on the
 * connection's event loop only, so it skips the per-connection MPSC outbound queue (Netty's
 * {@code MpscUnboundedArrayQueue}, whose first chunk is an {@code Object[1025]}, ~4.1 KB).
 */
public class BareSse {
  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    java.util.List<String> flags = java.util.List.of(args).subList(1, args.length);
    boolean router = flags.contains("router");
    boolean strict = flags.contains("strict");
    int loops = flags.stream().filter(f -> f.startsWith("loops=")).map(f -> Integer.parseInt(f.substring(6))).findFirst()
        .orElse(2 * Runtime.getRuntime().availableProcessors());
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
    Set<HttpServerResponse> open = ConcurrentHashMap.newKeySet();
    // The event a client gets on connect: shaped like the edge's, so bench-live counts it as the first.
    String first = "retry: 2000\n\nid: 0\nevent: count\ndata: {\"id\":\"x\",\"counter\":\"likes\",\"count\":0,\"version\":0}\n\n";
    io.vertx.core.Handler<HttpServerResponse> stream = r -> {
      r.setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache");
      open.add(r);
      r.closeHandler(v -> open.remove(r));
      r.write(first);
    };
    vertx.setPeriodic(15_000, id -> open.forEach(r -> r.write(": heartbeat\n\n")));
    HttpServerOptions options = new HttpServerOptions().setPort(port).setHost("0.0.0.0").setIdleTimeout(60)
        .setStrictThreadMode(strict);
    for (int i = 0; i < loops; i++) {
      if (router) {
        Router r = Router.router(vertx);
        r.get("/v1/:id/:counter/stream").handler(ctx -> stream.handle(ctx.response()));
        r.get("/metrics").handler(ctx -> ctx.response().end(""));
        vertx.createHttpServer(options).requestHandler(r).listen().await();
      } else {
        vertx.createHttpServer(options).requestHandler(req -> {
          if (req.path().endsWith("/stream")) {
            stream.handle(req.response());
          } else {
            req.response().end("");
          }
        }).listen().await();
      }
    }
    System.out.println("BareSse pid " + ProcessHandle.current().pid() + " on port " + port + (router ? " (Router)" : "") + (strict ? " (strict threads)" : "")
        + ", " + loops + " event loops");
  }
}
