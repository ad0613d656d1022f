package io.countctl.api.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Writes {@code docs/configuration.md} from {@link Setting}: an index of every name and, per
 * component, a table of what it reads. {@code ConfigurationReferenceTest} fails when the checked-in
 * file differs; regenerate it with {@code ./mvnw -B -o -pl api test -Dcount.regenerateDocs=true}, or
 * run this class with the file's path as its argument.
 */
public final class ConfigurationReference {
  private ConfigurationReference() {
  }

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args.length > 0 ? args[0] : "docs/configuration.md");
    Files.writeString(file, markdown(), StandardCharsets.UTF_8);
    System.out.println("wrote " + file);
  }

  /** The whole document. */
  public static String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("""
        # Configuration reference

        <!-- Generated from api/src/main/java/io/countctl/api/config/Setting.java by
             io.countctl.api.config.ConfigurationReference; do not edit by hand. Regenerate with
             ./mvnw -B -o -pl api test -Dcount.regenerateDocs=true -->

        Every component reads its configuration from `COUNT_*` environment variables; the edge, the
        workers and the downtime handler also take each as a flag (`--flush-ms=5` sets `COUNT_FLUSH_MS`),
        which wins over the environment. A bad value stops the component at start, naming the setting.
        On Kubernetes the operator writes the platform's settings from the DistributedCounter into the
        `<name>-config` ConfigMap and each Deployment: the column *operator* says which it sets (some only
        when the DistributedCounter's field is set: `flushIntervalMs`, `peers`, `peerSecretRef`,
        `counters`) and why it leaves the others at their defaults; `countctl dev` sets them for the
        processes it starts.

        | setting | read by |
        |---|---|
        """);
    for (Setting s : Setting.values()) {
      md.append("| [`").append(s.key()).append("`](#").append(anchor(first(s)))
          .append(") | ").append(s.readers().stream().map(Component::label).collect(Collectors.joining(", ")))
          .append(" |\n");
    }
    for (Component c : Component.values()) {
      md.append("\n## ").append(c.label()).append("\n\n").append(c.description()).append("\n\n");
      md.append(c.deployedByOperator()
          ? "| setting | default | meaning | operator |\n|---|---|---|---|\n"
          : "| setting | default | meaning |\n|---|---|---|\n");
      for (Setting s : Setting.allReadBy(c)) {
        SettingUse u = s.useBy(c).orElseThrow();
        md.append("| `").append(s.key()).append("` | ").append(u.defaultValue().isEmpty() ? "none" : cell(u.defaultValue()))
            .append(" | ").append(cell(u.meaning()));
        if (c.deployedByOperator()) {
          md.append(" | ").append(u.setByOperator() ? "sets it" : "not set: " + cell(u.unmanagedReason()));
        }
        md.append(" |\n");
      }
    }
    return md.toString();
  }

  private static Component first(Setting s) {
    return s.readers().iterator().next();
  }

  /** GitHub's anchor of a component's heading. */
  private static String anchor(Component c) {
    return c.label().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9 -]", "").replace(' ', '-');
  }

  private static String cell(String text) {
    return text.replace("|", "\\|");
  }
}
