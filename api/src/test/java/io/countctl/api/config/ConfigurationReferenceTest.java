package io.countctl.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md is what {@link ConfigurationReference} generates from {@link Setting}. */
class ConfigurationReferenceTest {
  static final Path FILE = Path.of("..", "docs", "configuration.md");

  @Test
  void docsConfigurationIsUpToDate() throws IOException {
    String generated = ConfigurationReference.markdown();
    if (Boolean.getBoolean("count.regenerateDocs")) {
      Files.writeString(FILE, generated, StandardCharsets.UTF_8);
    }
    String checkedIn = Files.exists(FILE) ? Files.readString(FILE, StandardCharsets.UTF_8) : "";
    assertEquals(generated, checkedIn, "docs/configuration.md is out of date with io.countctl.api.config.Setting."
        + " Regenerate it with\n  ./mvnw -B -o -pl api test -Dtest=ConfigurationReferenceTest"
        + " -Dcount.regenerateDocs=true\nand commit it.");
  }
}
