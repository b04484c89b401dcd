package io.qatvirt.kubevirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every definition of our subset exists in KubeVirt's swagger.json under the same name, and each
 * property we declare exists there with the same type (same $ref target, same item and value
 * types).
 */
class KubeVirtSubsetMatchesSwaggerTest {
  private static final String SUBSET_REF = "#/components/schemas/";
  private static final String SWAGGER_REF = "#/definitions/";
  private static final String QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity";

  private JsonNode subset;
  private JsonNode swagger;

  @BeforeEach
  void load() throws IOException {
    subset =
        new YAMLMapper()
            .readTree(Path.of("src/main/openapi/kubevirt-subset.yaml").toFile())
            .path("components")
            .path("schemas");
    String shared = System.getProperty("qatvirt.shared.dir", "");
    Path swaggerJson = Path.of(shared, "reference", "kubevirt", "swagger.json");
    Assumptions.assumeTrue(
        !shared.isEmpty() && Files.isRegularFile(swaggerJson),
        "needs ../shared: KubeVirt's swagger.json is not at "
            + swaggerJson.toAbsolutePath()
            + " (set -Dqatvirt.shared.dir to the folder holding reference/kubevirt/swagger.json)");
    swagger = new ObjectMapper().readTree(swaggerJson.toFile()).path("definitions");
  }

  @Test
  void everySubsetDefinitionAndPropertyHasSwaggersNameAndType() {
    List<String> mismatches = new ArrayList<>();
    int properties = 0;
    for (Map.Entry<String, JsonNode> definition : subset.properties()) {
      String name = definition.getKey();
      JsonNode theirs = swagger.path(name);
      if (theirs.isMissingNode()) {
        mismatches.add(name + ": not a definition in swagger.json");
        continue;
      }
      if (name.equals(QUANTITY)) {
        // OpenAPI 3.0 has no type lists; ours is untyped, theirs [string, integer, number].
        assertTrue(definition.getValue().path("type").isMissingNode(), QUANTITY + " is untyped");
        assertEquals(
            new ObjectMapper().createArrayNode().add("string").add("integer").add("number"),
            theirs.path("type"));
        continue;
      }
      compare(name, definition.getValue(), theirs, mismatches);
      for (Map.Entry<String, JsonNode> property :
          definition.getValue().path("properties").properties()) {
        properties++;
        JsonNode theirProperty = theirs.path("properties").path(property.getKey());
        String where = name + "." + property.getKey();
        if (theirProperty.isMissingNode()) {
          mismatches.add(where + ": swagger.json has no such property");
        } else {
          compare(where, property.getValue(), theirProperty, mismatches);
        }
      }
    }
    assertEquals(List.of(), mismatches);
    assertTrue(properties >= 50, "checked only " + properties + " properties");
  }

  /** Same type, same $ref target, and recursively the same items / additionalProperties. */
  private static void compare(String where, JsonNode ours, JsonNode theirs, List<String> out) {
    String ourRef = ours.path("$ref").asText("");
    String theirRef = theirs.path("$ref").asText("");
    if (!ourRef.isEmpty() || !theirRef.isEmpty()) {
      String ourTarget =
          ourRef.startsWith(SUBSET_REF) ? ourRef.substring(SUBSET_REF.length()) : ourRef;
      String theirTarget =
          theirRef.startsWith(SWAGGER_REF) ? theirRef.substring(SWAGGER_REF.length()) : theirRef;
      if (!ourTarget.equals(theirTarget)) {
        out.add(where + ": refers to " + ourTarget + ", swagger.json to " + theirTarget);
      }
      return;
    }
    String ourType = ours.path("type").asText("");
    String theirType = theirs.path("type").asText("");
    if (!ourType.equals(theirType)) {
      out.add(where + ": type " + ourType + ", swagger.json says " + theirType);
    }
    if (!ours.path("format").asText("").equals(theirs.path("format").asText(""))) {
      out.add(where + ": format differs from swagger.json");
    }
    if (ours.has("items")) {
      compare(where + "[]", ours.get("items"), theirs.path("items"), out);
    }
    JsonNode ourValues = ours.path("additionalProperties");
    if (ourValues.isObject()) {
      compare(where + "{}", ourValues, theirs.path("additionalProperties"), out);
    }
  }
}
