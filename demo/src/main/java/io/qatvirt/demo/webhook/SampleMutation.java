package io.qatvirt.demo.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.zjsonpatch.JsonPatch;
import io.qatvirt.webhook.mutation.InstancetypeLookup;
import io.qatvirt.webhook.mutation.MutationOutcome;
import io.qatvirt.webhook.mutation.MutatorConfig;
import io.qatvirt.webhook.mutation.QatMutator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a sample manifest from {@code samples/vmi/} through the webhook's real mutator, as the API
 * server would on CREATE, and applies the JSON Patch it returns.
 */
public final class SampleMutation {

  /** Every sample shipped in {@code samples/vmi/}, in the order the README lists them. */
  public static final List<String> SAMPLES =
      List.of(
          "ipsec-gateway-vmi.yaml",
          "gen4-cy-dc-vm.yaml",
          "gen4-ipsec-vpp-vm.yaml",
          "hand-written-hostdevices-vmi.yaml",
          "no-qat-vmi.yaml");

  /**
   * One sample's fate.
   *
   * @param original the manifest as written
   * @param outcome what the mutator decided
   * @param patched the manifest with the patch applied; empty when denied
   */
  public record Result(JsonNode original, MutationOutcome outcome, Optional<JsonNode> patched) {

    /** The patch, empty when denied or when there was nothing to add. */
    public ArrayNode patch() {
      return outcome instanceof MutationOutcome.Allowed allowed
          ? allowed.patch()
          : new ObjectMapper().createArrayNode();
    }

    /** QAT resources asked for and how many; empty when denied or none. */
    public Map<String, Integer> requested() {
      return outcome instanceof MutationOutcome.Allowed allowed ? allowed.requested() : Map.of();
    }
  }

  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
  private final QatMutator mutator;

  /**
   * @param instancetypes what the API server would say about a VM's instancetype
   */
  public SampleMutation(MutatorConfig config, InstancetypeLookup instancetypes) {
    this.mutator = new QatMutator(config, instancetypes);
  }

  /** The webhook's defaults, on a cluster whose instancetypes define no host devices. */
  public static SampleMutation withDefaults() {
    return new SampleMutation(
        MutatorConfig.defaults(), (ns, kind, name) -> InstancetypeLookup.Answer.NO_HOST_DEVICES);
  }

  /** Reads a sample shipped in the jar ({@code samples/vmi/<name>}). */
  public JsonNode readSample(String name) {
    if (!SAMPLES.contains(name)) {
      throw new IllegalArgumentException(
          "tried to read sample " + name + ", but the samples are " + SAMPLES);
    }
    try (InputStream in = SampleMutation.class.getResourceAsStream("/samples/vmi/" + name)) {
      if (in == null) {
        throw new IllegalStateException(
            "tried to read samples/vmi/" + name + " from the demo jar, but it is not packaged");
      }
      return yaml.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("tried to read samples/vmi/" + name + ", but " + e, e);
    }
  }

  /** Mutates a manifest as a CREATE of its own kind, and applies the patch. */
  public Result mutate(JsonNode manifest) {
    MutationOutcome outcome = mutator.mutate(manifest);
    if (outcome instanceof MutationOutcome.Allowed allowed) {
      JsonNode patched =
          allowed.patch().isEmpty()
              ? manifest.deepCopy()
              : JsonPatch.apply(allowed.patch(), manifest);
      return new Result(manifest, outcome, Optional.of(patched));
    }
    return new Result(manifest, outcome, Optional.empty());
  }

  /** Renders a JSON node as YAML, for people. */
  public String toYaml(JsonNode node) {
    try {
      return yaml.writeValueAsString(node).replaceFirst("^---\\n", "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
