package io.countctl.core.key;

/** A counter id or name that the platform refuses; the message says why, for a 400 answer. */
public final class InvalidKeyException extends IllegalArgumentException {
  public InvalidKeyException(String message) {
    super(message);
  }
}
