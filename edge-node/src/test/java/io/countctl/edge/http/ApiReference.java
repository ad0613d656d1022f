package io.countctl.edge.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * docs/api.md from the OpenAPI document: the route table, then each operation's parameters,
 * body, answers and examples, the schemas, and the error codes. Reads only what the document uses.
 */
final class ApiReference {
  private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "options", "head");

  private final JsonObject doc;

  private ApiReference(JsonObject doc) {
    this.doc = doc;
  }

  static String markdown(JsonObject doc) {
    return new ApiReference(doc).render();
  }

  private record Op(String method, String path, JsonObject op) {
    String title() {
      return method.toUpperCase(Locale.ROOT) + " " + path;
    }

    String anchor() {
      return op.getString("operationId").toLowerCase(Locale.ROOT);
    }
  }

  private List<Op> operations() {
    List<Op> out = new ArrayList<>();
    JsonObject paths = doc.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String m : METHODS) {
        JsonObject op = paths.getJsonObject(path).getJsonObject(m);
        if (op != null) {
          out.add(new Op(m, path, op));
        }
      }
    }
    return out;
  }

  private String render() {
    StringBuilder b = new StringBuilder();
    JsonObject info = doc.getJsonObject("info");
    b.append("# ").append(info.getString("title")).append(" (").append(info.getString("version")).append(")\n\n");
    b.append("<!-- Generated from edge-node/src/main/resources/io/countctl/edge/openapi.json by ApiReferenceTest;"
        + " do not edit. Regenerate: ./mvnw -B -o -pl edge-node -am test -Dtest=ApiReferenceTest"
        + " -Dsurefire.failIfNoSpecifiedTests=false -Dcount.regenerateDocs=true -->\n\n");
    b.append(info.getString("summary")).append("\n\n").append(info.getString("description")).append("\n\n");
    b.append("The machine-readable contract is served by every edge: `curl localhost:8080/openapi.json`"
        + " (OpenAPI ").append(doc.getString("openapi")).append(").\n\n");
    b.append("## Routes\n\n| method | path | what |\n|---|---|---|\n");
    for (Op o : operations()) {
      b.append("| `").append(o.method().toUpperCase(Locale.ROOT)).append("` | [`").append(o.path()).append("`](#")
          .append(o.anchor()).append(") | ").append(cell(o.op().getString("summary", ""))).append(" |\n");
    }
    for (Op o : operations()) {
      operation(b, o);
    }
    b.append("\n## Error codes\n\nEvery 4xx/5xx JSON answer is `{\"error\":{\"code\":…,\"message\":…}}` (schema"
        + " [`Error`](#schema-error)); `code` is for programs, `message` for people. A refused request changes no"
        + " count; a `503` or `429` carries `Retry-After`.\n\n| code | status | meaning |\n|---|---|---|\n");
    for (Object c : schema("ErrorCode").getJsonArray("oneOf")) {
      JsonObject code = (JsonObject) c;
      b.append("| `").append(code.getString("const")).append("` | ").append(code.getInteger("x-status")).append(" | ")
          .append(cell(code.getString("description"))).append(" |\n");
    }
    b.append("\n## Schemas\n");
    JsonObject schemas = doc.getJsonObject("components").getJsonObject("schemas");
    for (String name : schemas.fieldNames()) {
      if (name.equals("ErrorCode")) {
        continue; // the table above
      }
      schemaSection(b, name, schemas.getJsonObject(name));
    }
    return b.toString();
  }

  private void operation(StringBuilder b, Op o) {
    JsonObject op = o.op();
    b.append("\n<a id=\"").append(o.anchor()).append("\"></a>\n### `").append(o.title()).append("`\n\n");
    b.append(op.getString("summary", "")).append(".");
    if (op.containsKey("description")) {
      b.append(" ").append(op.getString("description"));
    }
    b.append("\n");
    JsonArray params = op.getJsonArray("parameters", new JsonArray());
    if (!params.isEmpty()) {
      b.append("\n| parameter | in | required | schema | meaning |\n|---|---|---|---|---|\n");
      for (Object p : params) {
        JsonObject param = resolve((JsonObject) p);
        b.append("| `").append(param.getString("name")).append("` | ").append(param.getString("in")).append(" | ")
            .append(param.getBoolean("required", false) ? "yes" : "no").append(" | ")
            .append(cell(type(param.getJsonObject("schema")))).append(" | ")
            .append(cell(param.getString("description", ""))).append(" |\n");
      }
    }
    JsonObject body = op.getJsonObject("requestBody");
    if (body != null) {
      b.append("\nRequest body (").append(body.getBoolean("required", false) ? "required" : "optional").append("):");
      JsonObject content = body.getJsonObject("content");
      for (String type : content.fieldNames()) {
        b.append(" `").append(type).append("` ").append(type(content.getJsonObject(type).getJsonObject("schema"))).append(";");
      }
      b.setLength(b.length() - 1);
      b.append("\n");
      for (String type : content.fieldNames()) {
        examples(b, content.getJsonObject(type));
      }
    }
    b.append("\n| status | meaning | body |\n|---|---|---|\n");
    JsonObject responses = op.getJsonObject("responses");
    List<JsonObject> exampleOf = new ArrayList<>();
    for (String status : responses.fieldNames()) {
      JsonObject r = resolve(responses.getJsonObject(status));
      JsonObject content = r.getJsonObject("content", new JsonObject());
      String bodies = content.fieldNames().stream()
          .map(t -> "`" + t + "` " + type(content.getJsonObject(t).getJsonObject("schema"))
              + (content.getJsonObject(t).containsKey("x-sse-events") ? " events " + events(content.getJsonObject(t)) : ""))
          .collect(Collectors.joining(", "));
      String headers = String.join(", ", r.getJsonObject("headers", new JsonObject()).fieldNames().stream()
          .map(h -> "`" + h + "`").toList());
      b.append("| ").append(status).append(" | ").append(cell(r.getString("description", "")))
          .append(headers.isEmpty() ? "" : " Headers: " + headers).append(" | ").append(cell(bodies)).append(" |\n");
      if (status.startsWith("2") || status.startsWith("3")) {
        content.fieldNames().forEach(t -> exampleOf.add(content.getJsonObject(t)));
      }
    }
    for (JsonObject media : exampleOf) {
      examples(b, media);
    }
  }

  private static String events(JsonObject media) {
    JsonObject events = media.getJsonObject("x-sse-events");
    return events.fieldNames().stream().map(e -> "`" + e + "`: " + type(events.getJsonObject(e)))
        .collect(Collectors.joining(", "));
  }

  private static void examples(StringBuilder b, JsonObject media) {
    List<Object> list = new ArrayList<>();
    if (media.containsKey("example")) {
      list.add(media.getValue("example"));
    }
    JsonObject named = media.getJsonObject("examples", new JsonObject());
    for (String n : named.fieldNames()) {
      list.add(named.getJsonObject(n).getValue("value"));
    }
    for (Object e : list) {
      String text = e instanceof String s ? s : e instanceof JsonObject j ? j.encodePrettily() : String.valueOf(e);
      b.append("\n```").append(e instanceof String ? "" : "json").append("\n").append(text.strip()).append("\n```\n");
    }
  }

  private void schemaSection(StringBuilder b, String name, JsonObject s) {
    b.append("\n<a id=\"schema-").append(name.toLowerCase(Locale.ROOT)).append("\"></a>\n### ").append(name).append("\n\n");
    if (s.containsKey("description")) {
      b.append(s.getString("description")).append("\n\n");
    }
    JsonObject props = s.getJsonObject("properties", new JsonObject());
    Set<Object> required = Set.copyOf(s.getJsonArray("required", new JsonArray()).getList());
    b.append("| field | type | required | meaning |\n|---|---|---|---|\n");
    for (String p : props.fieldNames()) {
      JsonObject ps = props.getJsonObject(p);
      b.append("| `").append(p).append("` | ").append(cell(type(ps))).append(" | ").append(required.contains(p) ? "yes" : "no")
          .append(" | ").append(cell(ps.getString("description", ""))).append(" |\n");
    }
  }

  /** A schema in a few words: its type with its bounds, or the schema it refers to. */
  private static String type(JsonObject s) {
    if (s == null) {
      return "";
    }
    if (s.containsKey("$ref")) {
      String name = s.getString("$ref").substring(s.getString("$ref").lastIndexOf('/') + 1);
      return "[`" + name + "`](#schema-" + name.toLowerCase(Locale.ROOT) + ")";
    }
    Object t = s.getValue("type");
    String type = t instanceof JsonArray a ? a.stream().map(String::valueOf).collect(Collectors.joining(" | ")) : String.valueOf(t);
    if ("array".equals(t) && s.containsKey("items")) {
      type = "array of " + type(s.getJsonObject("items"));
    }
    List<String> facets = new ArrayList<>();
    if (s.containsKey("enum")) {
      facets.add(s.getJsonArray("enum").stream().map(v -> "`" + v + "`").collect(Collectors.joining(" | ")));
    }
    if (s.containsKey("const")) {
      facets.add("`" + s.getValue("const") + "`");
    }
    if (s.containsKey("format")) {
      facets.add(s.getString("format"));
    }
    if (s.containsKey("default")) {
      facets.add("default " + s.getValue("default"));
    }
    bounds(s, facets, "minimum", "maximum", "");
    bounds(s, facets, "minLength", "maxLength", " chars");
    bounds(s, facets, "minItems", "maxItems", " items");
    if (s.containsKey("pattern")) {
      facets.add("`" + s.getString("pattern") + "`");
    }
    return facets.isEmpty() ? type : type + " (" + String.join(", ", facets) + ")";
  }

  private static void bounds(JsonObject s, List<String> facets, String min, String max, String unit) {
    if (s.containsKey(min) || s.containsKey(max)) {
      facets.add((s.containsKey(min) ? s.getValue(min) : "") + "…" + (s.containsKey(max) ? s.getValue(max) : "") + unit);
    }
  }

  private JsonObject resolve(JsonObject o) {
    String ref = o.getString("$ref");
    if (ref == null) {
      return o;
    }
    JsonObject at = doc;
    for (String part : ref.substring(2).split("/")) {
      at = at.getJsonObject(part);
    }
    return at;
  }

  private JsonObject schema(String name) {
    return doc.getJsonObject("components").getJsonObject("schemas").getJsonObject(name);
  }

  /** Text for a table cell: one line, pipes escaped. */
  private static String cell(String s) {
    return s.replace("\n", " ").replace("|", "\\|");
  }
}
