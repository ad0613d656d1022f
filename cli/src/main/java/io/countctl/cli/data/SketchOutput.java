package io.countctl.cli.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** {@code -o table|json|yaml} of the sketch commands: json and yaml are the edge's answer as it is. */
enum SketchOutput {
  TABLE, JSON, YAML;

  /** Built on first yaml output only: picocli initialises this enum for every command's help. */
  private static final class Mappers {
    static final ObjectMapper JSON = new ObjectMapper();
    static final YAMLMapper YAML = YAMLMapper.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build();
  }

  /** Prints an answer of {@code /unique}. */
  void unique(PrintStream out, String counter, String id, JsonObject u) {
    if (this == TABLE) {
      out.printf("%s/%s  unique users ≈ %d  (95 %%: %d … %d)%s%n", id, counter, u.getLong("estimate"), u.getLong("lower"),
          u.getLong("upper"), updated(u));
    } else {
      raw(out, u);
    }
  }

  /** Prints an answer of {@code /top} (or one event of {@code /top/stream}). */
  void top(PrintStream out, String counter, String id, JsonObject t) {
    if (this != TABLE) {
      raw(out, t);
      return;
    }
    String by = t.getString("by");
    out.printf("%s/%s  top %d %ss, window %s%s%n", id, counter, t.getInteger("k"), by, t.getString("window"), updated(t));
    JsonArray top = t.getJsonArray("top");
    if (top.isEmpty()) {
      out.printf("(no %ss yet)%n", by);
      return;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"#", by.toUpperCase(), "ESTIMATE", "LOWER", "UPPER"});
    for (int i = 0; i < top.size(); i++) {
      JsonObject e = top.getJsonObject(i);
      rows.add(new String[] {String.valueOf(i + 1), e.getString("value"), String.valueOf(e.getLong("estimate")),
          String.valueOf(e.getLong("lower")), String.valueOf(e.getLong("upper"))});
    }
    int[] width = new int[5];
    for (String[] r : rows) {
      for (int c = 0; c < r.length; c++) {
        width[c] = Math.max(width[c], r[c].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < r.length; c++) {
        boolean number = c != 1;
        String cell = number ? " ".repeat(width[c] - r[c].length()) + r[c] : r[c] + " ".repeat(width[c] - r[c].length());
        line.append(c == 0 ? "" : "  ").append(cell);
      }
      out.println(line.toString().stripTrailing());
    }
  }

  private void raw(PrintStream out, JsonObject answer) {
    if (this == JSON) {
      out.println(answer.encode());
      return;
    }
    try {
      out.print(Mappers.YAML.writeValueAsString(Mappers.JSON.readTree(answer.encode())));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot print the edge's answer as YAML", e);
    }
  }

  private static String updated(JsonObject answer) {
    String at = answer.getString("updated_at");
    return at == null ? "" : "  (updated " + at + ")";
  }
}
