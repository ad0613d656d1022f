package io.countctl.edge.http;

/** Input the edge refuses; becomes a 4xx JSON error and changes nothing. */
public final class BadRequest extends RuntimeException {
  private final int status;
  private final String code;

  public BadRequest(int status, String code, String message) {
    super(message, null, false, false); // thrown on bad input, often: no stack trace
    this.status = status;
    this.code = code;
  }

  public BadRequest(String code, String message) {
    this(400, code, message);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }
}
