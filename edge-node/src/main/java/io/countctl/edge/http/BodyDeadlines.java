package io.countctl.edge.http;

import io.vertx.core.http.HttpServerRequest;

/**
 * The request-read timeout of the bodies {@link HotRoutes} reads, on one event loop: the same 408
 * as {@link BodyReadTimeout}, without a timer per request (setting and cancelling one was a
 * measurable part of a write). Requests wait in arrival order, so their deadlines are in order
 * too: one periodic sweep answers the overdue ones from the head of the list, and a body that
 * arrives leaves the list in O(1). Touched only on its event loop.
 */
final class BodyDeadlines {
  private final long timeoutNanos;
  private final long timeoutMs;
  /** Sentinel of a circular doubly linked list, oldest first. */
  private final Node head = new Node(null, 0);

  BodyDeadlines(long timeoutMs) {
    this.timeoutMs = timeoutMs;
    this.timeoutNanos = timeoutMs * 1_000_000;
    head.prev = head;
    head.next = head;
  }

  /** How often {@link #sweep} should run: the 408 comes at most this late. */
  long tickMs() {
    return Math.max(10, Math.min(1_000, timeoutMs / 10));
  }

  /** One request whose body is being read. */
  static final class Node {
    final HttpServerRequest request;
    final long deadlineNanos;
    Node prev;
    Node next;

    Node(HttpServerRequest request, long deadlineNanos) {
      this.request = request;
      this.deadlineNanos = deadlineNanos;
    }
  }

  Node add(HttpServerRequest request) {
    Node n = new Node(request, System.nanoTime() + timeoutNanos);
    n.prev = head.prev;
    n.next = head;
    head.prev.next = n;
    head.prev = n;
    return n;
  }

  /** The body arrived (or the request failed): no deadline any more. Idempotent. */
  void remove(Node n) {
    if (n.next == null) {
      return;
    }
    n.prev.next = n.next;
    n.next.prev = n.prev;
    n.next = null;
    n.prev = null;
  }

  /** Answers 408 (and closes the connection) to every request whose body is overdue. */
  void sweep() {
    long now = System.nanoTime();
    while (head.next != head && now - head.next.deadlineNanos >= 0) {
      Node n = head.next;
      remove(n);
      if (!n.request.isEnded() && !n.request.response().ended()) {
        MalformedRequests.answer(n.request, 408, "request_timeout",
            "the request body did not arrive within " + timeoutMs + " ms", true);
      }
    }
  }
}
