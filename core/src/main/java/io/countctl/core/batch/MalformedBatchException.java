package io.countctl.core.batch;

/** A record on the deltas topic that cannot be decoded; workers send it to the dead-letter topic. */
public final class MalformedBatchException extends RuntimeException {
  public MalformedBatchException(String message, Throwable cause) {
    super(message, cause);
  }

  public MalformedBatchException(String message) {
    super(message);
  }
}
