package io.countctl.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The CEL rules ({@code x-kubernetes-validations}) of the checked-in CRD, compiled and run with
 * CEL's reference Java implementation on the values they guard. fabric8's mock API server ignores
 * them; a real one (1.25+) compiles them when the CRD is applied and runs them on every write.
 */
class CrdCelRulesTest {
  static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addVar("self", SimpleType.DYN)
      .build();
  /** The CRD as checked in (api's CrdUpToDateTest keeps it equal to the generated one). */
  static final java.nio.file.Path CHECKED_IN =
      java.nio.file.Path.of("..", "crds", "distributedcounters.counters.countctl.io-v1.yml");
  static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  static JSONSchemaProps counterSchema() throws IOException {
    CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(CHECKED_IN),
        CustomResourceDefinition.class);
    return crd.getSpec().getVersions().getFirst().getSchema().getOpenAPIV3Schema().getProperties().get("spec")
        .getProperties().get("counters").getItems().getSchema();
  }

  static boolean holds(ValidationRule rule, Object self) throws Exception {
    var ast = COMPILER.compile(rule.getRule()).getAst();
    return (Boolean) RUNTIME.createProgram(ast).eval(Map.of("self", self));
  }

  @Test
  void windowsMayNotRepeat() throws Exception {
    ValidationRule rule = counterSchema().getProperties().get("windows").getXKubernetesValidations().getFirst();
    assertEquals(true, holds(rule, List.of("1h", "all")));
    assertEquals(true, holds(rule, List.of("1m", "10m", "1h", "24h", "all")));
    assertEquals(false, holds(rule, List.of("1h", "all", "1h")));
    assertEquals(false, holds(rule, List.of("all", "all")));
  }

  @Test
  void windowsNeedTopK() throws Exception {
    ValidationRule rule = counterSchema().getXKubernetesValidations().getFirst();
    assertEquals(true, holds(rule, Map.of("name", "likes")));
    assertEquals(true, holds(rule, Map.of("name", "likes", "topK", 0L)));
    assertEquals(true, holds(rule, Map.of("name", "likes", "windows", List.of("1h"))));
    assertEquals(true, holds(rule, Map.of("name", "likes", "topK", 10L, "windows", List.of("1h"))));
    assertEquals(false, holds(rule, Map.of("name", "likes", "topK", 0L, "windows", List.of("1h"))));
  }
}
