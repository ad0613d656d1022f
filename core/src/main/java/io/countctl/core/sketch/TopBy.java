package io.countctl.core.sketch;

import java.util.Optional;

/** What a top-K list ranks: the writes' {@code user} or their {@code item}. */
public enum TopBy {
  USER("user"),
  ITEM("item");

  private final String label;

  TopBy(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public static Optional<TopBy> parse(String label) {
    for (TopBy b : values()) {
      if (b.label.equals(label)) {
        return Optional.of(b);
      }
    }
    return Optional.empty();
  }
}
