package io.countctl.operator.chart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Renders Helm templates written in a small, fixed subset of Go templates — the subset the chart
 * keeps to — and fails on anything else, so that a template using more can never pass its test by
 * being rendered wrongly. Hand-written because Helm itself cannot be installed here (no binary in
 * Debian, Maven Central or npm).
 *
 * <p>Supported: {@code {{ .Values.a.b }}}, {@code .Release.Name|Namespace}, {@code .Chart.Name|Version|AppVersion},
 * string literals, {@code {{- if X }} … {{- else }} … {{- end }}}, pipelines with {@code default},
 * {@code quote}, {@code toYaml}, {@code nindent}, {@code join}, {@code .Files.Get "path"} (a file of the chart,
 * not rendered, as in Helm), and {@code {{-}}/{@code -}}} trimming.
 */
final class HelmTemplateSubset {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  private final Map<String, Object> scope;
  private final java.nio.file.Path chartDir;

  /**
   * @param values the merged values
   * @param chart the Chart.yaml keys ({@code name}, {@code version}, {@code appVersion})
   */
  HelmTemplateSubset(Map<String, Object> values, Map<String, Object> chart, String releaseName, String namespace) {
    this(values, chart, releaseName, namespace, null);
  }

  /** @param chartDir where {@code .Files.Get} reads from; null: it fails */
  HelmTemplateSubset(Map<String, Object> values, Map<String, Object> chart, String releaseName, String namespace,
      java.nio.file.Path chartDir) {
    this.chartDir = chartDir;
    this.scope = Map.of(
        "Values", values,
        "Release", Map.of("Name", releaseName, "Namespace", namespace),
        "Chart", Map.of("Name", chart.get("name"), "Version", chart.get("version"), "AppVersion", chart.get("appVersion")));
  }

  String render(String template) {
    List<Object> tokens = tokenize(template);
    StringBuilder out = new StringBuilder();
    int end = render(tokens, 0, out, true);
    if (end != tokens.size()) {
      throw new IllegalArgumentException("unexpected {{ " + tokens.get(end) + " }}");
    }
    return out.toString();
  }

  /** An action between {{ and }}. */
  private record Action(String text) {
    @Override
    public String toString() {
      return text;
    }
  }

  /** Text and actions, with the whitespace that {{- and -}} remove already removed. */
  private static List<Object> tokenize(String t) {
    List<Object> tokens = new ArrayList<>();
    int at = 0;
    StringBuilder text = new StringBuilder();
    while (true) {
      int open = t.indexOf("{{", at);
      if (open < 0) {
        text.append(t, at, t.length());
        tokens.add(text.toString());
        return tokens;
      }
      text.append(t, at, open);
      int close = t.indexOf("}}", open);
      if (close < 0) {
        throw new IllegalArgumentException("unclosed {{ at " + open);
      }
      String inner = t.substring(open + 2, close);
      if (inner.startsWith("-")) {
        int i = text.length();
        while (i > 0 && Character.isWhitespace(text.charAt(i - 1))) {
          i--;
        }
        text.setLength(i);
        inner = inner.substring(1);
      }
      at = close + 2;
      if (inner.endsWith("-")) {
        inner = inner.substring(0, inner.length() - 1);
        while (at < t.length() && Character.isWhitespace(t.charAt(at))) {
          at++;
        }
      }
      tokens.add(text.toString());
      text.setLength(0);
      String action = inner.strip();
      if (!action.startsWith("/*")) {
        tokens.add(new Action(action));
      }
    }
  }

  /** Renders from {@code i} up to an unmatched else/end; returns that token's index. */
  private int render(List<Object> tokens, int i, StringBuilder out, boolean emit) {
    while (i < tokens.size()) {
      Object token = tokens.get(i);
      if (token instanceof String s) {
        if (emit) {
          out.append(s);
        }
        i++;
        continue;
      }
      String action = ((Action) token).text();
      if (action.equals("end") || action.equals("else")) {
        return i;
      }
      if (action.startsWith("if ")) {
        boolean cond = emit && truthy(evaluate(action.substring(3)));
        int next = render(tokens, i + 1, out, emit && cond);
        if (next < tokens.size() && tokens.get(next).toString().equals("else")) {
          next = render(tokens, next + 1, out, emit && !cond);
        }
        if (next >= tokens.size() || !tokens.get(next).toString().equals("end")) {
          throw new IllegalArgumentException("{{ " + action + " }} without {{ end }}");
        }
        i = next + 1;
        continue;
      }
      if (action.matches("^(range|with|define|template|include|block|tpl)\\b.*")) {
        throw new IllegalArgumentException("not in the supported subset: {{ " + action + " }}");
      }
      if (emit) {
        out.append(print(evaluate(action), action));
      }
      i++;
    }
    return i;
  }

  private Object evaluate(String pipeline) {
    Object value = null;
    boolean first = true;
    for (String command : split(pipeline, '|')) {
      List<String> words = words(command.strip());
      if (first && words.size() == 1 && !isFunction(words.getFirst())) {
        value = operand(words.getFirst());
      } else {
        List<Object> args = new ArrayList<>();
        for (String w : words.subList(1, words.size())) {
          args.add(operand(w));
        }
        if (!first) {
          args.add(value);
        }
        value = call(words.getFirst(), args, pipeline);
      }
      first = false;
    }
    return value;
  }

  private static boolean isFunction(String word) {
    return !word.startsWith(".") && !word.startsWith("\"") && !word.matches("-?\\d+");
  }

  private Object call(String function, List<Object> args, String pipeline) {
    switch (function) {
      case "default" -> {
        need(args, 2, pipeline);
        return truthy(args.get(1)) ? args.get(1) : args.get(0);
      }
      case "quote" -> {
        need(args, 1, pipeline);
        return "\"" + print(args.get(0), pipeline).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
      }
      case "toYaml" -> {
        need(args, 1, pipeline);
        try {
          return YAML.writeValueAsString(args.get(0)).stripTrailing();
        } catch (Exception e) {
          throw new IllegalArgumentException(pipeline, e);
        }
      }
      case "nindent" -> {
        need(args, 2, pipeline);
        String pad = " ".repeat(((Number) args.get(0)).intValue());
        return "\n" + pad + print(args.get(1), pipeline).replace("\n", "\n" + pad);
      }
      case "join" -> {
        need(args, 2, pipeline);
        Collection<?> items = args.get(1) == null ? List.of() : (Collection<?>) args.get(1);
        return String.join((String) args.get(0), items.stream().map(String::valueOf).toList());
      }
      case ".Files.Get" -> {
        need(args, 1, pipeline);
        java.nio.file.Path file = chartDir == null ? null : chartDir.resolve((String) args.get(0)).normalize();
        if (file == null || !file.startsWith(chartDir.normalize()) || !java.nio.file.Files.isRegularFile(file)) {
          throw new IllegalArgumentException("no chart file " + args.get(0) + ": " + pipeline);
        }
        try {
          return java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      default -> throw new IllegalArgumentException("function '" + function + "' is not in the supported subset: " + pipeline);
    }
  }

  private static void need(List<Object> args, int n, String pipeline) {
    if (args.size() != n) {
      throw new IllegalArgumentException("wrong number of arguments in " + pipeline);
    }
  }

  private Object operand(String word) {
    if (word.startsWith("\"") && word.endsWith("\"") && word.length() >= 2) {
      return word.substring(1, word.length() - 1);
    }
    if (word.matches("-?\\d+")) {
      return Integer.parseInt(word);
    }
    if (!word.startsWith(".")) {
      throw new IllegalArgumentException("not in the supported subset: " + word);
    }
    // A missing value is nil, as in Helm (so `default` and `if` work); a missing built-in is a typo.
    boolean inValues = word.startsWith(".Values.");
    Object at = scope;
    for (String key : word.substring(1).split("\\.")) {
      if (at == null && inValues) {
        return null;
      }
      if (!(at instanceof Map<?, ?> map)) {
        throw new IllegalArgumentException(word + ": '" + key + "' of a non-map");
      }
      if (!map.containsKey(key) && !inValues) {
        throw new IllegalArgumentException(word + " does not exist");
      }
      at = map.get(key);
    }
    return at;
  }

  private static boolean truthy(Object v) {
    return switch (v) {
      case null -> false;
      case Boolean b -> b;
      case String s -> !s.isEmpty();
      case Number n -> n.doubleValue() != 0;
      case Collection<?> c -> !c.isEmpty();
      case Map<?, ?> m -> !m.isEmpty();
      default -> true;
    };
  }

  private static String print(Object v, String action) {
    return switch (v) {
      case null -> throw new IllegalArgumentException("{{ " + action + " }} has no value (Helm would print <no value>)");
      case String s -> s;
      case Number n -> n.toString();
      case Boolean b -> b.toString();
      default -> throw new IllegalArgumentException("{{ " + action + " }} prints a " + v.getClass().getSimpleName()
          + "; use toYaml");
    };
  }

  private static List<String> split(String s, char sep) {
    List<String> parts = new ArrayList<>();
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == sep && !quoted) {
        parts.add(s.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(s.substring(start));
    return parts;
  }

  private static List<String> words(String command) {
    return split(command, ' ').stream().filter(w -> !w.isEmpty()).toList();
  }
}
