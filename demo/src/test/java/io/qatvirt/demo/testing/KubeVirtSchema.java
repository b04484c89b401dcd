package io.qatvirt.demo.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Validates objects against a definition of KubeVirt's published OpenAPI document ({@code
 * <qatvirt.shared.dir>/reference/kubevirt/swagger.json}), strictly: where a definition lists its
 * properties, a property it doesn't list is an error (the API server would prune or reject it, and
 * a misspelt field in a sample would otherwise pass unnoticed).
 */
public final class KubeVirtSchema {
  private final ObjectNode definitions;
  private final JsonSchemaFactory factory =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);

  private KubeVirtSchema(ObjectNode definitions) {
    this.definitions = definitions;
  }

  /** Loads the document, or skips the calling test with a message when it is absent. */
  public static KubeVirtSchema loadOrSkip() throws IOException {
    String shared = System.getProperty("qatvirt.shared.dir", "");
    Path swagger = Path.of(shared, "reference", "kubevirt", "swagger.json");
    assumeTrue(
        !shared.isEmpty() && Files.isRegularFile(swagger),
        "needs ../shared: reference/kubevirt/swagger.json not found under "
            + (shared.isEmpty() ? "(qatvirt.shared.dir is not set)" : shared));
    JsonNode doc = new ObjectMapper().readTree(swagger.toFile());
    ObjectNode definitions = ((ObjectNode) doc.path("definitions")).deepCopy();
    definitions.forEach(KubeVirtSchema::closeObject);
    return new KubeVirtSchema(definitions);
  }

  /** Every violation of the named definition ({@code v1.VirtualMachineInstance}); empty if none. */
  public List<String> violations(String definition, JsonNode object) {
    if (!definitions.has(definition)) {
      throw new IllegalArgumentException(
          "tried to validate against " + definition + ", but swagger.json has no such definition");
    }
    ObjectNode root = new ObjectMapper().createObjectNode();
    root.put("$ref", "#/definitions/" + definition);
    root.set("definitions", definitions);
    JsonSchema schema = factory.getSchema(root);
    return schema.validate(object).stream().map(ValidationMessage::getMessage).sorted().toList();
  }

  private static void closeObject(JsonNode definition) {
    if (definition instanceof ObjectNode def
        && def.has("properties")
        && !def.has("additionalProperties")) {
      def.put("additionalProperties", false);
    }
  }
}
