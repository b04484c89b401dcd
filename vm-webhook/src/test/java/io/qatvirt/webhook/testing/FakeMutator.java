package io.qatvirt.webhook.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.qatvirt.webhook.mutation.EvictionCheck;
import io.qatvirt.webhook.mutation.MutationOutcome;
import io.qatvirt.webhook.mutation.Mutator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A mutator for tests: reads the annotation {@code qat.intel.com/generic} (a count) and adds that
 * many host devices, with an eviction check of the object's own {@code spec.evictionStrategy} (as
 * {@code --eviction-strategy=warn}); an annotation value {@code deny} denies with a fixed message.
 * Can be told to block until released, to test draining. Remembers every call.
 */
public final class FakeMutator implements Mutator {
  public static final String ANNOTATION = "qat.intel.com/generic";
  public static final String DENY_MESSAGE =
      "tried to read annotation qat.intel.com/generic, but 'deny' is not a number of VFs";

  /** One call: kind, operation, object name. */
  public record Call(String kind, String operation, String name) {}

  public final CopyOnWriteArrayList<Call> calls = new CopyOnWriteArrayList<>();
  private volatile Function<JsonNode, JsonNode> beforeMutate = object -> object;

  /** Runs before each mutation (e.g. to block on a latch). */
  public void beforeMutate(Function<JsonNode, JsonNode> hook) {
    this.beforeMutate = hook;
  }

  @Override
  public MutationOutcome mutate(String kind, String operation, JsonNode object) {
    calls.add(new Call(kind, operation, object.path("metadata").path("name").asText()));
    beforeMutate.apply(object);
    JsonNode value = object.path("metadata").path("annotations").path(ANNOTATION);
    if (value.isMissingNode()) {
      return new MutationOutcome.Allowed(JsonNodeFactory.instance.arrayNode(), Map.of());
    }
    if ("deny".equals(value.asText())) {
      return new MutationOutcome.Denied(DENY_MESSAGE);
    }
    int count = Integer.parseInt(value.asText());
    JsonNode meta = object.path("metadata");
    String name = meta.path("name").asText();
    String ref = meta.has("namespace") ? meta.path("namespace").asText() + "/" + name : name;
    JsonNode own = object.path("spec").path("evictionStrategy");
    return new MutationOutcome.Allowed(
        patchFor(count),
        Map.of(ANNOTATION, count),
        Optional.of(
            new EvictionCheck(
                kind + " " + ref,
                "spec.evictionStrategy",
                own.isTextual() ? Optional.of(own.asText()) : Optional.empty())));
  }

  /** The patch this fake returns for {@code count} VFs. */
  public static ArrayNode patchFor(int count) {
    ArrayNode patch = JsonNodeFactory.instance.arrayNode();
    var op = patch.addObject();
    op.put("op", "add");
    op.put("path", "/spec/domain/devices/hostDevices");
    ArrayNode devices = op.putArray("value");
    for (int i = 0; i < count; i++) {
      devices.addObject().put("name", "qat-generic-" + i).put("deviceName", ANNOTATION);
    }
    return patch;
  }
}
