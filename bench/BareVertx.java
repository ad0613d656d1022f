// The ceiling of the edge's HTTP stack on this machine: a bare Vert.x 5 server that reads each
// request's body and answers a constant JSON, nothing else (no router, no parsing, no metrics).
// bench/run.sh runs it beside nginx with the same wrk load; the edge's distance to it is the
// cost of the edge's own work. Single-file program, run with the edge's jar as class path:
//   java -cp edge-node/target/edge-node.jar bench/BareVertx.java <port> [event loops]
// (event loops default to the cores this JVM may use: taskset's affinity counts).
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;

public class BareVertx {
  static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
  static final Buffer ANSWER = Buffer.buffer("{\"count\":1,\"updated_at\":\"2026-01-01T00:00:00Z\"}");

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int loops = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
    // One server per event loop on the same port: Vert.x spreads the connections over them.
    vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        return vertx.createHttpServer()
            .requestHandler(req -> req.body().onSuccess(body ->
                req.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(ANSWER)))
            .listen(port, "127.0.0.1");
      }
    }, new DeploymentOptions().setInstances(loops))
        .onSuccess(id -> System.out.println("bare Vert.x listening on 127.0.0.1:" + port + ", " + loops + " event loops"))
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        });
  }
}
