package io.qatvirt.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Validates objects against a definition of KubeVirt's swagger.json (JSON Schema draft 4 with
 * {@code #/definitions/...} references), from {@code qatvirt.shared.dir}.
 */
final class SwaggerSchemas {
  private final JsonNode swagger;
  private final Map<String, JsonSchema> schemas = new HashMap<>();
  private final JsonSchemaFactory factory =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);

  private SwaggerSchemas(JsonNode swagger) {
    this.swagger = swagger;
  }

  static Path location() {
    return Path.of(
        System.getProperty("qatvirt.shared.dir", ""), "reference", "kubevirt", "swagger.json");
  }

  private static Optional<SwaggerSchemas> load() {
    Path file = location();
    if (System.getProperty("qatvirt.shared.dir", "").isEmpty() || !Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonNode swagger = new ObjectMapper().readTree(file.toFile());
      dropVendorExtensions(swagger);
      return Optional.of(new SwaggerSchemas(swagger));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code x-kubernetes-*} keywords mean nothing to a JSON Schema validator; drop them. */
  private static void dropVendorExtensions(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.properties().removeIf(field -> field.getKey().startsWith("x-"));
    }
    node.forEach(SwaggerSchemas::dropVendorExtensions);
  }

  /** Loads it, or skips the calling test with a message saying where it was looked for. */
  static SwaggerSchemas loadOrSkip() {
    Optional<SwaggerSchemas> loaded = load();
    Assumptions.assumeTrue(
        loaded.isPresent(),
        "needs ../shared: KubeVirt's swagger.json is not at "
            + location().toAbsolutePath()
            + " (set -Dqatvirt.shared.dir to the folder holding reference/kubevirt/swagger.json)");
    return loaded.get();
  }

  /**
   * The violations of {@code definition} (e.g. {@code v1.VirtualMachineInstance}); empty if valid.
   */
  List<String> violations(String definition, JsonNode object) {
    JsonSchema schema =
        schemas.computeIfAbsent(
            definition,
            d -> {
              ObjectNode schemaNode = new ObjectMapper().createObjectNode();
              schemaNode.put("$ref", "#/definitions/" + d);
              schemaNode.set("definitions", swagger.get("definitions"));
              return factory.getSchema(schemaNode);
            });
    return schema.validate(object).stream().map(ValidationMessage::getMessage).sorted().toList();
  }
}
