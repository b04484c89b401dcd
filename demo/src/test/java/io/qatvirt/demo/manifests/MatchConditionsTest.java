package io.qatvirt.demo.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.qatvirt.demo.webhook.SampleMutation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Evaluates the webhook configuration's matchConditions with CEL, as the API server does for a
 * custom resource (the object as an untyped map): true exactly for the objects the mutator would
 * change, false (never an error, which failurePolicy Fail would turn into a refusal) for the rest.
 */
class MatchConditionsTest {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();
  static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("object", SimpleType.DYN)
          .setResultType(SimpleType.BOOL)
          .build();
  static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  static CelRuntime.Program vmiCondition;
  static CelRuntime.Program vmCondition;

  @BeforeAll
  static void compileTheConditions() throws Exception {
    Path repo = Path.of(System.getProperty("qatvirt.repo.dir", "..")).toAbsolutePath().normalize();
    JsonNode config =
        YAML.readTree(repo.resolve("manifests/base/webhook-configuration.yaml").toFile());
    Map<String, JsonNode> hooks = Objects.byField(config.path("webhooks"), "name");
    vmiCondition = program(hooks.get("virtualmachineinstances.qat.intel.com"));
    vmCondition = program(hooks.get("virtualmachines.qat.intel.com"));
  }

  @Test
  void aVmiIsSentOnlyWhenItsOwnAnnotationsNameAQatResource() throws Exception {
    assertEquals(
        true,
        eval(vmiCondition, "{\"metadata\":{\"annotations\":{\"qat.intel.com/generic\":\"1\"}}}"));
    assertEquals(
        false, eval(vmiCondition, "{\"metadata\":{\"annotations\":{\"example.com/x\":\"1\"}}}"));
    assertEquals(
        false, eval(vmiCondition, "{\"metadata\":{\"name\":\"no-annotations\"},\"spec\":{}}"));
    assertEquals(false, eval(vmiCondition, "{\"metadata\":{\"annotations\":{}}}"));
  }

  @Test
  void aVmIsSentOnlyWhenItsTemplateAsksForQatAndMissingFieldsAreNoError() throws Exception {
    assertEquals(
        true,
        eval(
            vmCondition,
            "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"qat.intel.com/cy\":\"1\"}}}}}"));
    assertEquals(
        false,
        eval(
            vmCondition,
            "{\"metadata\":{\"annotations\":{\"qat.intel.com/cy\":\"1\"}},\"spec\":{\"template\":{\"spec\":{}}}}"),
        "the VM's own metadata is not what its VMIs get");
    assertEquals(false, eval(vmCondition, "{\"metadata\":{}}"));
    assertEquals(false, eval(vmCondition, "{\"spec\":{}}"));
    assertEquals(false, eval(vmCondition, "{\"spec\":{\"template\":{}}}"));
    assertEquals(false, eval(vmCondition, "{\"spec\":{\"template\":{\"metadata\":{}}}}"));
  }

  @Test
  void withoutTheHasGuardsAVmWithoutTemplateMetadataWouldBeAnError() throws Exception {
    CelAbstractSyntaxTree unguarded =
        COMPILER
            .compile(
                "object.spec.template.metadata.annotations.exists(k, k.startsWith('qat.intel.com/'))")
            .getAst();
    CelRuntime.Program program = RUNTIME.createProgram(unguarded);
    assertThrows(CelEvaluationException.class, () -> eval(program, "{\"spec\":{\"template\":{}}}"));
  }

  @Test
  void everySampleIsSentExactlyWhenTheMutatorChangesIt() throws Exception {
    SampleMutation samples = SampleMutation.withDefaults();
    for (String name : SampleMutation.SAMPLES) {
      JsonNode sample = samples.readSample(name);
      boolean changed = !samples.mutate(sample).patch().isEmpty();
      CelRuntime.Program condition =
          sample.path("kind").asText().equals("VirtualMachine") ? vmCondition : vmiCondition;
      assertEquals(changed, condition.eval(Map.of("object", toCel(sample))), name);
    }
  }

  private static CelRuntime.Program program(JsonNode hook) throws Exception {
    String expression = hook.path("matchConditions").get(0).path("expression").asText();
    return RUNTIME.createProgram(COMPILER.compile(expression).getAst());
  }

  private static Object eval(CelRuntime.Program program, String objectJson) throws Exception {
    return program.eval(Map.of("object", toCel(JSON.readTree(objectJson))));
  }

  /** JSON as CEL sees an unstructured object: maps, lists, strings, int64, doubles, booleans. */
  private static Object toCel(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.fields().forEachRemaining(e -> map.put(e.getKey(), toCel(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(n -> list.add(toCel(n)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    return node.asText();
  }
}
