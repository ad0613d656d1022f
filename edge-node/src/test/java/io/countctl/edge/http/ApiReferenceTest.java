package io.countctl.edge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/api.md is what {@link ApiReference} generates from the edge's OpenAPI document. */
class ApiReferenceTest {
  static final Path FILE = Path.of("..", "docs", "api.md");

  @Test
  void docsApiIsUpToDate() throws IOException {
    String generated = ApiReference.markdown(new JsonObject(Buffer.buffer(OpenApiDocument.read())));
    if (Boolean.getBoolean("count.regenerateDocs")) {
      Files.writeString(FILE, generated, StandardCharsets.UTF_8);
    }
    String checkedIn = Files.exists(FILE) ? Files.readString(FILE, StandardCharsets.UTF_8) : "";
    assertEquals(generated, checkedIn, "docs/api.md is out of date with edge-node's " + OpenApiDocument.RESOURCE
        + ". Regenerate it with\n  ./mvnw -B -o -pl edge-node -am test -Dtest=ApiReferenceTest"
        + " -Dsurefire.failIfNoSpecifiedTests=false -Dcount.regenerateDocs=true\nand commit it.");
  }
}
