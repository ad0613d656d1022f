package io.countctl.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No module names a {@code COUNT_*} setting that {@link Setting} does not list: a setting added to a
 * component with a string literal (instead of a new constant here) fails this test, so the
 * configuration reference and the operator's checks cannot miss it.
 */
class SourcesNameKnownSettingsTest {
  static final Path ROOT = Path.of("..");
  /** A name in Java source: quoted, or in picocli's {@code ${env:COUNT_URL:-…}}. */
  static final Pattern IN_JAVA = Pattern.compile("\"(COUNT_[A-Z0-9_]+)\"|\\$\\{env:(COUNT_[A-Z0-9_]+)");
  /** A variable the Helm chart sets on the operator. */
  static final Pattern IN_CHART = Pattern.compile("- name: (COUNT_[A-Z0-9_]+)");

  @Test
  void everyNameInMainSourcesIsASetting() throws IOException {
    Set<String> unknown = new TreeSet<>();
    int files = 0;
    try (Stream<Path> modules = Files.list(ROOT)) {
      for (Path module : modules.filter(m -> Files.isDirectory(m.resolve("src/main/java"))).toList()) {
        for (Path file : javaFiles(module.resolve("src/main/java"))) {
          files++;
          Matcher m = IN_JAVA.matcher(Files.readString(file));
          while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            if (Setting.named(name).isEmpty()) {
              unknown.add(name + " in " + ROOT.relativize(file));
            }
          }
        }
      }
    }
    assertTrue(files > 100, "scanned the modules' sources (" + files + " files)");
    assertEquals(Set.of(), unknown, "add these to io.countctl.api.config.Setting and read them from there");
  }

  @Test
  void theHelmChartSetsOnlyWhatTheOperatorReads() throws IOException {
    String deployment = Files.readString(ROOT.resolve("charts/count-operator/templates/deployment.yaml"));
    Matcher m = IN_CHART.matcher(deployment);
    Set<String> wrong = new TreeSet<>();
    int found = 0;
    while (m.find()) {
      found++;
      if (!Setting.named(m.group(1)).map(s -> s.readBy(Component.OPERATOR)).orElse(false)) {
        wrong.add(m.group(1));
      }
    }
    assertTrue(found > 5, "found the chart's variables");
    assertEquals(Set.of(), wrong, "the chart sets variables the operator does not read");
  }

  private static List<Path> javaFiles(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(p -> p.toString().endsWith(".java")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
