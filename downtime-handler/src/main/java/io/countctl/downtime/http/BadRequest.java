package io.countctl.downtime.http;

/** Input the API refuses with a 4xx; {@code code} goes into the error body. */
final class BadRequest extends RuntimeException {
  final int status;
  final String code;

  BadRequest(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }
}
