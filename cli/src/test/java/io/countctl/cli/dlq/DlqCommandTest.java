package io.countctl.cli.dlq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countctl.cli.provision.CommandRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code countctl dlq} does before it reaches Kafka: its options and their errors. */
class DlqCommandTest {
  static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

  @Test
  void sinceTakesAnInstantOrADurationBackFromNow() {
    assertEquals(Instant.parse("2026-12-01T10:00:00Z"), Since.parse("2026-12-01T10:00:00Z", NOW));
    assertEquals(NOW.minus(Duration.ofMinutes(90)), Since.parse("90m", NOW));
    assertEquals(NOW.minus(Duration.ofHours(24)), Since.parse("24h", NOW));
    assertEquals(NOW.minus(Duration.ofDays(7)), Since.parse("7d", NOW));
    assertEquals(NOW.minus(Duration.ofHours(1)), Since.parse("PT1H", NOW));
    assertEquals(Instant.MIN, Since.parse(null, NOW));
  }

  @Test
  void aBadSinceIsRefusedWithWhatItTakes() {
    DlqException e = assertThrows(DlqException.class, () -> Since.parse("yesterday", NOW));
    assertTrue(e.getMessage().contains("ISO-8601"), e.getMessage());
    CommandRun run = CommandRun.of("dlq", "list", "--bootstrap", "127.0.0.1:1", "--since", "yesterday");
    assertEquals(1, run.exitCode(), run.toString());
    assertTrue(run.err().contains("--since must be"), run.toString());
  }

  @Test
  void aBadOutputFormatIsRefused() {
    CommandRun run = CommandRun.of("dlq", "list", "--bootstrap", "127.0.0.1:1", "-o", "xml");
    assertEquals(1, run.exitCode(), run.toString());
    assertTrue(run.err().contains("-o must be table, json or yaml"), run.toString());
  }

  @Test
  void withoutBootstrapItUsesTheKafkaOfTheDevDataDirAndSaysSoWhenThereIsNone(@TempDir Path dir) throws Exception {
    CommandRun none = CommandRun.of("dlq", "list", "--data-dir", dir.toString());
    assertEquals(1, none.exitCode(), none.toString());
    assertTrue(none.err().contains("--bootstrap") && none.err().contains("countctl dev"), none.toString());
    Files.writeString(dir.resolve("dev.properties"), "kafka.port=19092\n");
    DlqTarget target = new DlqTarget();
    target.dataDir = dir;
    assertEquals("127.0.0.1:19092", target.bootstrap());
  }
}
