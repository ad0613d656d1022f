package io.countctl.core.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CounterKeyTest {
  @Test
  void acceptsOrdinaryKeysAndRoundTripsThroughText() {
    CounterKey k = new CounterKey("post-1", "likes");
    assertEquals("post-1/likes", k.toString());
    assertEquals(k, CounterKey.parse("post-1/likes"));
  }

  @Test
  void refusesEmptyTooLongSlashAndSpace() {
    assertTrue(CounterKey.problem("", "likes").isPresent());
    assertTrue(CounterKey.problem("a", "").isPresent());
    assertTrue(CounterKey.problem("x".repeat(CounterKey.MAX_ID_LENGTH + 1), "likes").isPresent());
    assertTrue(CounterKey.problem("a/b", "likes").isPresent());
    assertTrue(CounterKey.problem("a b", "likes").isPresent());
    assertThrows(InvalidKeyException.class, () -> new CounterKey("a", "c,d"));
  }
}
