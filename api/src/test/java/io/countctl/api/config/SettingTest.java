package io.countctl.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettingTest {
  @Test
  void everyNameIsACountVariableDefinedOnce() {
    Set<String> seen = new HashSet<>();
    for (Setting s : Setting.values()) {
      assertTrue(s.key().matches("COUNT_[A-Z0-9_]+"), s.key());
      assertTrue(seen.add(s.key()), s.key() + " is defined twice");
      assertEquals(s.name(), s.key().substring("COUNT_".length()), "constant and variable are named alike");
    }
  }

  @Test
  void aComponentReadsASettingInOneWayOnly() {
    List<String> twice = new ArrayList<>();
    for (Setting s : Setting.values()) {
      for (Component c : Component.values()) {
        if (s.uses().stream().filter(u -> u.readers().contains(c)).count() > 1) {
          twice.add(s.key() + " by " + c);
        }
      }
    }
    assertEquals(List.of(), twice);
  }

  @Test
  void everyUseSaysWhatItMeansAndProgramsTheOperatorDoesNotRunAreNotManaged() {
    for (Setting s : Setting.values()) {
      for (SettingUse u : s.uses()) {
        assertTrue(!u.meaning().isBlank(), s.key());
        boolean deployed = u.readers().stream().anyMatch(Component::deployedByOperator);
        boolean notDeployed = u.readers().stream().anyMatch(c -> !c.deployedByOperator());
        assertTrue(!(deployed && notDeployed), s.key() + ": one use mixes deployed and other programs");
        assertTrue(deployed || !u.setByOperator(), s.key() + ": the operator sets nothing on " + u.readers());
      }
    }
  }

  @Test
  void lookUpByName() {
    assertEquals(Setting.FLUSH_MS, Setting.named("COUNT_FLUSH_MS").orElseThrow());
    assertTrue(Setting.named("COUNT_NOPE").isEmpty());
    assertTrue(Setting.allReadBy(Component.EDGE).contains(Setting.ACK_MODE));
    assertTrue(Arrays.stream(Setting.values()).allMatch(s -> !s.readers().isEmpty()));
  }
}
