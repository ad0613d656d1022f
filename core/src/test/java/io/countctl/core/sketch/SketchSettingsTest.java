package io.countctl.core.sketch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.core.config.ConfigException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SketchSettingsTest {
  @Test
  void namesNotListedGetTheDefaults() {
    SketchSettings s = SketchSettings.parse("likes,views:lgk=12:topk=10:windows=1h+all");
    assertEquals(SketchOptions.DEFAULTS, s.of("likes"));
    assertEquals(SketchOptions.DEFAULTS, s.of("comments"));
    assertEquals(new SketchOptions(12, 10, Set.of(SketchWindow.H1, SketchWindow.ALL)), s.of("views"));
    assertEquals(SketchOptions.DEFAULTS, SketchSettings.parse("").of("views"));
  }

  @Test
  void badOptionsNameTheSettingAndTheProblem() {
    // the old form an operator may still have written: ignored with a warning, not a refusal to start
    assertEquals(new SketchOptions(13, 10, SketchOptions.DEFAULTS.windows()), SketchSettings.parse("views:unique:topk=10").of("views"));
    assertTrue(assertThrows(ConfigException.class, () -> SketchSettings.parse("views:lgk=30")).getMessage().contains("lgk"));
    assertTrue(assertThrows(ConfigException.class, () -> SketchSettings.parse("views:topk=x")).getMessage().contains("topk"));
    assertTrue(assertThrows(ConfigException.class, () -> SketchSettings.parse("views:windows=2h")).getMessage().contains("2h"));
    assertTrue(assertThrows(ConfigException.class, () -> SketchSettings.parse("views,views")).getMessage().contains("twice"));
    assertThrows(ConfigException.class, () -> SketchSettings.parse("views:colour=red"));
  }

  @Test
  void mapSizeIsAPowerOfTwoOfAtLeastFourTimesK() {
    assertEquals(128, new SketchOptions(13, 32, Set.of()).mapSize());
    assertEquals(64, new SketchOptions(13, 10, Set.of()).mapSize());
    assertEquals(4096, new SketchOptions(13, 1000, Set.of()).mapSize());
    assertEquals(16, new SketchOptions(13, 1, Set.of()).mapSize());
  }

  @Test
  void windowsSlideOverTheirBuckets() {
    long now = 1_800_000_123_456L;
    var m1 = SketchWindow.M1.bucketsAt(now);
    assertEquals(7, m1.size(), "six full 10 s buckets and the current one");
    assertEquals(SketchWindow.M1.bucketOf(now), (long) m1.getLast());
    assertTrue(m1.getFirst() <= now - 60_000 && now - 60_000 < m1.getFirst() + 10_000);
    assertEquals(25, SketchWindow.H24.bucketsAt(now).size());
    assertEquals(java.util.List.of(0L), SketchWindow.ALL.bucketsAt(now));
    long b = SketchWindow.H1.bucketOf(now);
    assertTrue(SketchWindow.H1.expiresAtMillis(b) > b + SketchWindow.H1.spanMillis() + SketchWindow.H1.bucketMillis(),
        "a bucket outlives every window that can include it");
    assertEquals(0, SketchWindow.ALL.expiresAtMillis(0));
  }

  @Test
  void sketchValuesRefuseEmptyLongAndControlCharacters() {
    assertTrue(SketchValue.problem("user", "u-17").isEmpty());
    assertTrue(SketchValue.problem("user", "é".repeat(128)).isEmpty(), "256 bytes of UTF-8");
    assertTrue(SketchValue.problem("user", "é".repeat(129)).isPresent());
    assertTrue(SketchValue.problem("item", "").isPresent());
    assertTrue(SketchValue.problem("item", "a\nb").isPresent());
    assertTrue(SketchValue.problem("item", "a\u007fb").isPresent());
  }
}
