package io.countctl.cli.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The edge's JSON answers as plain maps and lists, read and written with Jackson's streaming
 * core. {@code get} and {@code inc} parse one small answer per run, and Vert.x's {@code JsonObject}
 * would first initialise its codec, service loader and logging (half of the Java time of an
 * {@code inc}); this is the same Jackson underneath, so values and encoding are those of
 * {@code JsonObject}: members in their order, numbers as Jackson reads them (Integer, Long,
 * BigInteger, Double), {@code encode} compact as {@code JsonObject.encode()}.
 */
final class EdgeJson {
  /** Thread-safe once built; Jackson's own parser and generator defaults. */
  private static final JsonFactory FACTORY = new JsonFactory();

  private EdgeJson() {}

  /** An object's members; throws IllegalArgumentException when {@code text} is not one JSON object. */
  static Map<String, Object> parseObject(String text) {
    try (JsonParser p = FACTORY.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("not a JSON object");
      }
      Map<String, Object> m = object(p);
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("text after the JSON object");
      }
      return m;
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
  }

  private static Map<String, Object> object(JsonParser p) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      m.put(name, value(p));
    }
    return m;
  }

  private static Object value(JsonParser p) throws IOException {
    return switch (p.currentToken()) {
      case START_OBJECT -> object(p);
      case START_ARRAY -> {
        List<Object> l = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          l.add(value(p));
        }
        yield l;
      }
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw new IOException("unexpected " + p.currentToken());
    };
  }

  /** Compact JSON of maps, lists, strings, numbers, booleans and nulls. */
  static String encode(Object value) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      write(g, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void write(JsonGenerator g, Object v) throws IOException {
    switch (v) {
      case null -> g.writeNull();
      case Map<?, ?> m -> {
        g.writeStartObject();
        for (Map.Entry<?, ?> e : m.entrySet()) {
          g.writeFieldName(String.valueOf(e.getKey()));
          write(g, e.getValue());
        }
        g.writeEndObject();
      }
      case List<?> l -> {
        g.writeStartArray();
        for (Object o : l) {
          write(g, o);
        }
        g.writeEndArray();
      }
      case String s -> g.writeString(s);
      case Integer i -> g.writeNumber(i);
      case Long l -> g.writeNumber(l);
      case Double d -> g.writeNumber(d);
      case java.math.BigInteger b -> g.writeNumber(b);
      case java.math.BigDecimal b -> g.writeNumber(b);
      case Boolean b -> g.writeBoolean(b);
      default -> throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
    }
  }

  /** A numeric member as a long, or null when absent (as {@code JsonObject.getLong}). */
  static Long getLong(Map<String, Object> m, String key) {
    Number n = (Number) m.get(key);
    return n == null ? null : n.longValue();
  }

  /** A member as text, or null when absent (as {@code JsonObject.getString}). */
  static String getString(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v == null ? null : v.toString();
  }
}
