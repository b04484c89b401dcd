package io.qatvirt.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Runs manifests through a mutator the way the API server would: parse the YAML or JSON, mutate as
 * a CREATE of the object's own kind, apply the returned JSON Patch with zjsonpatch. For tests (the
 * mutator's own, and the samples test).
 */
public final class MutationHarness {
  private static final ObjectMapper YAML = new YAMLMapper();

  private MutationHarness() {}

  /** What came out: the decision, and the object with the patch applied when allowed. */
  public record Result(MutationOutcome outcome, Optional<JsonNode> patched) {
    public MutationOutcome.Allowed allowed() {
      if (outcome instanceof MutationOutcome.Allowed allowed) {
        return allowed;
      }
      throw new AssertionError("expected the object to be allowed, but: " + outcome);
    }

    public String deniedMessage() {
      if (outcome instanceof MutationOutcome.Denied denied) {
        return denied.message();
      }
      throw new AssertionError("expected the object to be denied, but: " + outcome);
    }

    public JsonNode patchedObject() {
      return patched.orElseThrow(() -> new AssertionError("denied: " + outcome));
    }
  }

  /** A YAML or JSON manifest from a file (JSON is YAML too). */
  public static JsonNode read(Path manifest) {
    try {
      return YAML.readTree(manifest.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A YAML or JSON manifest from the test class path, e.g. {@code /mutation/vm-template.yaml}. */
  public static JsonNode resource(String name) {
    try (InputStream in = MutationHarness.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + name);
      }
      return YAML.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Result create(Mutator mutator, JsonNode object) {
    return run(mutator, object.path("kind").asText(""), "CREATE", object);
  }

  public static Result run(Mutator mutator, String kind, String operation, JsonNode object) {
    JsonNode original = object.deepCopy();
    MutationOutcome outcome = mutator.mutate(kind, operation, object);
    if (!original.equals(object)) {
      throw new AssertionError("the mutator changed the object it was given");
    }
    if (outcome instanceof MutationOutcome.Allowed allowed) {
      return new Result(outcome, Optional.of(apply(object, allowed.patch())));
    }
    return new Result(outcome, Optional.empty());
  }

  public static JsonNode apply(JsonNode object, ArrayNode patch) {
    return JsonPatch.apply(patch, object);
  }
}
