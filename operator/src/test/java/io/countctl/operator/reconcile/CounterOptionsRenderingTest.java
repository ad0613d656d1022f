package io.countctl.operator.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.countctl.api.config.Setting;
import io.countctl.api.model.CounterOptions;
import io.countctl.api.model.DistributedCounter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code COUNT_COUNTER_OPTIONS} as the sketch contract writes it: {@code name[:lgk=L][:topk=K][:windows=A+B]}. */
class CounterOptionsRenderingTest {
  @Test
  void onlyWhatIsSetIsRendered() {
    assertEquals("likes", CounterPlan.counterOption(new CounterOptions("likes")));
    assertEquals("views:lgk=14", CounterPlan.counterOption(new CounterOptions("views", 14, null, null)));
    assertEquals("views:topk=10", CounterPlan.counterOption(new CounterOptions("views", null, 10, null)));
    assertEquals("views:windows=all", CounterPlan.counterOption(new CounterOptions("views", null, null, List.of("all"))));
    assertEquals("views:lgk=10:topk=1000:windows=1m+10m+1h+24h+all", CounterPlan.counterOption(
        new CounterOptions("views", 10, 1000, List.of("1m", "10m", "1h", "24h", "all"))));
  }

  @Test
  void topKZeroIsRenderedBecauseItTurnsTheDefaultOff() {
    assertEquals("clicks:topk=0", CounterPlan.counterOption(new CounterOptions("clicks", null, 0, null)));
  }

  @Test
  void windowsAreRenderedInTheirFixedOrderSoAReorderRollsNothing() {
    DistributedCounter a = SpecValidatorTest.sample();
    DistributedCounter b = SpecValidatorTest.sample();
    a.getSpec().getCounters().get(1).setWindows(List.of("all", "1h", "1m"));
    b.getSpec().getCounters().get(1).setWindows(List.of("1m", "1h", "all"));
    CounterPlan pa = CounterPlan.of(a, ImageDefaults.BUILT_IN);
    CounterPlan pb = CounterPlan.of(b, ImageDefaults.BUILT_IN);
    assertEquals("likes,views:lgk=14:topk=10:windows=1m+1h+all", pa.settings().get(Setting.COUNTER_OPTIONS.key()));
    assertEquals(pa.settingsHash(Component.EDGE), pb.settingsHash(Component.EDGE));
    b.getSpec().getCounters().get(1).setWindows(List.of("1m", "all"));
    assertFalse(pa.settingsHash(Component.WORKER).equals(
        CounterPlan.of(b, ImageDefaults.BUILT_IN).settingsHash(Component.WORKER)), "a real change rolls the workers");
  }

  @Test
  void noCountersNoSetting() {
    DistributedCounter dc = SpecValidatorTest.sample();
    dc.getSpec().setCounters(List.of());
    assertFalse(CounterPlan.of(dc, ImageDefaults.BUILT_IN).settings().containsKey(Setting.COUNTER_OPTIONS.key()));
  }
}
