package io.countctl.cli.provision;

/** A failure told to the person at the terminal in one line, with the exit code to end with. */
public final class ProvisionException extends RuntimeException {
  private final int exitCode;

  public ProvisionException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
