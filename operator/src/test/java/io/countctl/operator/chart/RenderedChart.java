package io.countctl.operator.chart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** charts/count-operator rendered with its values (plus overrides) and parsed into typed objects. */
record RenderedChart(List<HasMetadata> objects, String notes) {
  static final Path CHART = Path.of("..", "charts", "count-operator");
  static final String RELEASE = "count";
  static final String NAMESPACE = "count-system";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static RenderedChart render(Map<String, Object> overrides) {
    try {
      Map<String, Object> values = readYaml(CHART.resolve("values.yaml"));
      merge(values, overrides);
      HelmTemplateSubset helm = new HelmTemplateSubset(values, readYaml(CHART.resolve("Chart.yaml")), RELEASE, NAMESPACE,
          CHART);
      List<HasMetadata> objects = new ArrayList<>();
      try (Stream<Path> files = Files.list(CHART.resolve("templates"))) {
        for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
          String rendered = helm.render(Files.readString(f));
          for (String doc : rendered.split("(?m)^---\\s*$")) {
            if (!doc.isBlank()) {
              try {
                objects.add(Serialization.unmarshal(doc, HasMetadata.class));
              } catch (RuntimeException e) {
                throw new AssertionError(f.getFileName() + " does not render to valid YAML:\n" + rendered, e);
              }
            }
          }
        }
      }
      return new RenderedChart(objects, helm.render(Files.readString(CHART.resolve("templates").resolve("NOTES.txt"))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The objects of one kind (e.g. PodMonitor, which fabric8 reads as a generic resource). */
  List<HasMetadata> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.getKind())).toList();
  }

  <T extends HasMetadata> T the(Class<T> type) {
    List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
    if (found.size() != 1) {
      throw new AssertionError("expected one " + type.getSimpleName() + ", found " + found.size());
    }
    return found.getFirst();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> readYaml(Path file) throws IOException {
    return YAML.readValue(Files.readString(file), HashMap.class);
  }

  @SuppressWarnings("unchecked")
  private static void merge(Map<String, Object> into, Map<String, Object> overrides) {
    overrides.forEach((k, v) -> {
      if (v instanceof Map<?, ?> m && into.get(k) instanceof Map<?, ?> existing) {
        Map<String, Object> copy = new HashMap<>((Map<String, Object>) existing);
        merge(copy, (Map<String, Object>) m);
        into.put(k, copy);
      } else {
        into.put(k, v);
      }
    });
  }
}
