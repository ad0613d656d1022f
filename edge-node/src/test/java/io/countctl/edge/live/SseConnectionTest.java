package io.countctl.edge.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.key.CounterKey;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What one stream writes when the value read on connect and pushed values cross. */
class SseConnectionTest {
  static final CounterKey HOT = new CounterKey("hot", "likes");
  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    vertx.close();
  }

  /** Runs {@code script} on a fresh stream's event loop and returns everything the stream wrote. */
  String written(Consumer<SseConnection> script) throws Exception {
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      var r = req.response().setChunked(true);
      SseConnection c = new SseConnection(r, new LoopFanout(vertx, vertx.getOrCreateContext(), 25), List.of(HOT), () -> {});
      script.accept(c);
      r.end();
    }).listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    HttpResponse<String> resp = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/")).build(),
        HttpResponse.BodyHandlers.ofString());
    return resp.body();
  }

  static CountEvent hot(long count, long version) {
    return new CountEvent(HOT, count, 0, version);
  }

  @Test
  void aCurrentValueReadBeforeAPushThatOvertookItIsDroppedNotShown() throws Exception {
    String out = written(c -> {
      c.resumeFrom(new long[] {10});
      c.offer(hot(1345, 12)); // the push arrives first and is sent
      c.flush();
      c.offerCurrent(hot(1340, 11)); // then the value read on connect, older
      c.flush();
    });
    assertTrue(out.contains("\"count\":1345"), out);
    assertFalse(out.contains("1340"), "the stream must not go back to the older value: " + out);
    assertFalse(out.contains("event: reset"), out);
  }

  @Test
  void aStoreOlderThanWhatTheClientClaimsIsAReset() throws Exception {
    String out = written(c -> {
      c.resumeFrom(new long[] {10});
      c.offerCurrent(hot(7, 3)); // the store holds less than the client has seen: it started over
      c.flush();
    });
    assertTrue(out.contains("event: reset"), out);
    assertTrue(out.contains("\"count\":7"), out);
  }

  @Test
  void aResumedClientGetsOnlyNewerValues() throws Exception {
    String out = written(c -> {
      c.resumeFrom(new long[] {10});
      c.offerCurrent(hot(500, 10)); // what the client has already
      c.flush();
      c.offer(hot(501, 11));
      c.flush();
    });
    assertFalse(out.contains("\"count\":500"), out);
    assertEquals(1, out.split("event: count", -1).length - 1, out);
    assertTrue(out.contains("id: 11"), out);
  }
}
