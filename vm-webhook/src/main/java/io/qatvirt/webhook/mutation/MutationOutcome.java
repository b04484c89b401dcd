package io.qatvirt.webhook.mutation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** What the mutator decided for one object. */
public sealed interface MutationOutcome {

  /**
   * Admit the object with this JSON Patch (RFC 6902, only {@code add} operations; empty when there
   * is nothing to add).
   *
   * @param patch the operations, in order
   * @param requested every QAT resource the object asks for and how many VFs, e.g. {@code
   *     qat.intel.com/generic -> 2}; empty when it asks for none
   * @param eviction the drain check for an object that gets QAT devices; empty when it asks for
   *     none, or with {@code --eviction-strategy=off}
   */
  record Allowed(ArrayNode patch, Map<String, Integer> requested, Optional<EvictionCheck> eviction)
      implements MutationOutcome {
    public Allowed {
      requested = Map.copyOf(requested);
      Objects.requireNonNull(eviction, "eviction");
    }

    /** With nothing to check about eviction. */
    public Allowed(ArrayNode patch, Map<String, Integer> requested) {
      this(patch, requested, Optional.empty());
    }
  }

  /** Refuse the object; the message names the annotation and the fix. */
  record Denied(String message) implements MutationOutcome {}
}
