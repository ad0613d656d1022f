package io.countctl.cli.provision;

import io.countctl.api.model.DistributedCounter;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** {@code -o table|json|yaml} for DistributedCounters. */
enum ResourceOutput {
  TABLE, JSON, YAML;

  static ResourceOutput parse(String value) {
    try {
      return valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ProvisionException(2, "-o must be table, json or yaml, got '" + value + "'");
    }
  }

  /** The resource as it would be applied: managed fields left out, as kubectl does by default. */
  static String serialize(DistributedCounter dc, ResourceOutput format) {
    if (dc.getMetadata() != null) {
      dc.getMetadata().setManagedFields(null);
    }
    return format == JSON ? Serialization.asJson(dc) : Serialization.asYaml(dc);
  }

  void print(List<DistributedCounter> counters, boolean single, PrintStream out) {
    print(counters, single, false, out);
  }

  /** @param withNamespace a NAMESPACE column in the table ({@code get -A}) */
  void print(List<DistributedCounter> counters, boolean single, boolean withNamespace, PrintStream out) {
    switch (this) {
      case TABLE -> {
        out.print(CounterRow.header(withNamespace));
        java.time.Instant now = java.time.Instant.now();
        counters.forEach(dc -> out.print(CounterRow.of(dc, now).line(withNamespace)));
      }
      case JSON, YAML -> {
        if (single) {
          out.println(serialize(counters.getFirst(), this));
        } else {
          // Built by hand: the list builder wants a builder class for each item type.
          var list = new io.fabric8.kubernetes.api.model.KubernetesList();
          list.setApiVersion("v1");
          list.setKind("List");
          list.setItems(counters.stream().map(dc -> {
            dc.getMetadata().setManagedFields(null);
            return (io.fabric8.kubernetes.api.model.HasMetadata) dc;
          }).toList());
          out.println(this == JSON ? Serialization.asJson(list) : Serialization.asYaml(list));
        }
      }
    }
  }
}
