package io.countctl.cli.dlq;

/** A {@code dlq} command that cannot go on: the message is for the user, the exit code 1. */
final class DlqException extends RuntimeException {
  DlqException(String message) {
    super(message);
  }
}
