package io.countctl.edge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A raw TCP connection to an edge, for what an HTTP client library would refuse to send. */
final class RawHttp implements AutoCloseable {
  private final Socket socket;

  RawHttp(int port) {
    try {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  RawHttp send(String text) {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  RawHttp send(byte[] bytes) {
    try {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Sends {@code text} and tolerates the edge having closed the connection meanwhile. */
  boolean trySend(String text) {
    try {
      socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** One response's head and (Content-Length) body, or null if the connection ended first. */
  Response read() {
    try {
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          return null;
        }
        head.write(b);
      }
      String text = head.toString(StandardCharsets.ISO_8859_1);
      String[] lines = text.split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      java.util.Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (int i = 1; i < lines.length; i++) {
        int c = lines[i].indexOf(':');
        if (c > 0) {
          headers.put(lines[i].substring(0, c).trim(), lines[i].substring(c + 1).trim());
        }
      }
      String body = "";
      if (headers.containsKey("content-length")) {
        byte[] b = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        body = new String(b, StandardCharsets.UTF_8);
      }
      return new Response(status, headers, body);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no response within 10 s");
    } catch (IOException e) {
      return null; // reset by the edge
    }
  }

  /** Whether the edge closed the connection within {@code millis} (reads and drops what comes first). */
  boolean closedWithin(long millis) {
    long deadline = System.currentTimeMillis() + millis;
    try {
      while (System.currentTimeMillis() < deadline) {
        socket.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
        if (socket.getInputStream().read() < 0) {
          return true;
        }
      }
      return false;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    } finally {
      try {
        socket.setSoTimeout(10_000);
      } catch (IOException ignored) {
        // closed
      }
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  record Response(int status, java.util.Map<String, String> headers, String body) {}
}
