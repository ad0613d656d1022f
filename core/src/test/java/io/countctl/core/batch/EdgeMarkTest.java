package io.countctl.core.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EdgeMarkTest {
  static BatchId id(long epoch, long seq) {
    return new BatchId("e", epoch, seq);
  }

  @Test
  void aRecordThatArrivesAfterALaterOneOfItsPartitionCountsOnceAndOnlyOnce() {
    EdgeMark m = EdgeMark.of(id(7, 0)).with(id(7, 1)); // 2 and 3 failed, 4 landed
    m = m.with(id(7, 4));
    assertEquals("7:4:2,3", m.encode());
    assertFalse(m.contains(id(7, 2)), "the re-sent 2 is not a duplicate");
    m = m.with(id(7, 2));
    assertTrue(m.contains(id(7, 2)), "a second copy of 2 is");
    assertFalse(m.contains(id(7, 3)));
    m = m.with(id(7, 3));
    assertEquals(EdgeMark.of(id(7, 4)), m);
    assertTrue(m.contains(id(7, 0)) && m.contains(id(7, 4)) && !m.contains(id(7, 5)));
    assertEquals(EdgeMark.of(id(7, 9)), EdgeMark.parse(m.with(id(7, 9)).encode()).with(id(7, 5)).with(id(7, 6)).with(id(7, 7)).with(id(7, 8)).with(id(7, 9)));
  }

  @Test
  void epochsOrderAndTheOldFormParses() {
    EdgeMark old = EdgeMark.parse("5:12"); // the bare high-water mark of earlier versions
    assertEquals(EdgeMark.of(id(5, 12)), old);
    assertTrue(old.contains(id(4, 999)), "an older epoch counts as applied");
    assertFalse(old.contains(id(6, 0)), "a newer epoch starts from nothing");
    EdgeMark next = old.with(id(6, 2));
    assertEquals("6:2:0,1", next.encode(), "a new epoch's first numbers are still to come");
    assertEquals(next, EdgeMark.parse(next.encode()));
  }

  @Test
  void missingNumbersAreBounded() {
    EdgeMark m = EdgeMark.of(id(1, 0)).with(id(1, 3 * EdgeMark.MAX_MISSING));
    assertEquals(EdgeMark.MAX_MISSING, m.missing().length);
    assertFalse(m.contains(id(1, 3 * EdgeMark.MAX_MISSING - 1)), "the newest missing numbers are kept");
    m = m.with(id(1, 3 * EdgeMark.MAX_MISSING + 5));
    assertEquals(EdgeMark.MAX_MISSING, m.missing().length);
    assertFalse(m.contains(id(1, 3 * EdgeMark.MAX_MISSING + 4)));
  }
}
