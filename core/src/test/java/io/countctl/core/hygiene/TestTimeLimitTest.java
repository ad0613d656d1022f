package io.countctl.core.hygiene;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Every test of the build runs under a default time limit (set once, for all modules, in the parent
 * pom's surefire configuration), so a hang fails in minutes instead of eating CI's budget.
 */
@ExtendWith(TestTimeLimitTest.Context.class)
class TestTimeLimitTest {

  @Test
  void everyTestHasADefaultTimeLimitOfAFewMinutes(ExtensionContext context) {
    Optional<String> limit = context.getConfigurationParameter("junit.jupiter.execution.timeout.default");
    assertTrue(limit.isPresent(), "junit.jupiter.execution.timeout.default is not set");
    Duration duration = parse(limit.get());
    assertTrue(duration.compareTo(Duration.ofMinutes(1)) >= 0 && duration.compareTo(Duration.ofMinutes(10)) <= 0,
        "default test time limit should be generous but bounded, got " + limit.get());
  }

  /** JUnit's format: a number and an optional unit (ns, μs, ms, s, m, h, d); seconds by default. */
  private static Duration parse(String value) {
    var m = java.util.regex.Pattern.compile("\\s*(\\d+)\\s*([a-zμ]*)\\s*").matcher(value.toLowerCase(Locale.ROOT));
    assertTrue(m.matches(), "unreadable time limit '" + value + "'");
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "", "s" -> Duration.ofSeconds(n);
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ofNanos(n); // ns, μs: far too short anyway
    };
  }

  /** Hands the test its {@link ExtensionContext}, where JUnit exposes the configuration parameters. */
  static final class Context implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == ExtensionContext.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      return context;
    }
  }
}
