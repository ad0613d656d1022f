package io.countctl.core.store;

/**
 * What the worker assumed about a keyed write's token when it folded the write's item into a
 * top-K sketch. The apply script refuses the commit ({@link CommitResult.Stale}) if the
 * assumption no longer holds, so an item is weighed exactly when its write is counted.
 */
public enum KeyedCheck {
  /** Nothing assumed (the write feeds no frequency sketch). */
  ANY(""),
  /** Counted now: the token was not counted before. */
  NEW("1"),
  /** Skipped: the token was counted before. */
  SEEN("0");

  private final String arg;

  KeyedCheck(String arg) {
    this.arg = arg;
  }

  String arg() {
    return arg;
  }
}
