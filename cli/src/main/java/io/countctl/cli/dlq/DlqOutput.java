package io.countctl.cli.dlq;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** {@code -o table|json|yaml} of dead letters; json and yaml through the Jackson of fabric8's client. */
enum DlqOutput {
  TABLE, JSON, YAML;

  static DlqOutput parse(String value) {
    try {
      return valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new DlqException("-o must be table, json or yaml, got '" + value + "'");
    }
  }

  void print(List<DeadLetter> letters, PrintStream out) {
    switch (this) {
      case JSON -> out.println(Serialization.asJson(letters.stream().map(DeadLetter::fields).toList()));
      case YAML -> out.print(Serialization.asYaml(letters.stream().map(DeadLetter::fields).toList()));
      case TABLE -> {
        String row = "%-26s %-24s %-20s %-12s %9s %10s %7s  %s%n";
        out.printf(row, "DEAD LETTER", "TIME", "EDGE", "ORIGIN", "COUNTERS", "OPS", "BYTES", "REASON");
        for (DeadLetter d : letters) {
          String reason = d.replayOf() == null ? d.reason() : d.reason() + " (replay of " + d.replayOf() + " failed again)";
          out.printf(row, d.topic() + "/" + d.position(), d.time(), d.edge() == null ? "-" : d.edge(),
              d.origin() == null ? "-" : d.origin(), d.counters(), d.operations(), d.bytes(), reason);
        }
        if (letters.isEmpty()) {
          out.println("(no dead letters)");
        }
      }
    }
  }
}
