package io.qatvirt.webhook.mutation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Map;

/** What the mutator decided for one object. */
public sealed interface MutationOutcome {

  /**
   * Admit the object with this JSON Patch (RFC 6902, only {@code add} operations; empty when there
   * is nothing to add).
   *
   * @param patch the operations, in order
   * @param requested every QAT resource the object asks for and how many VFs, e.g. {@code
   *     qat.intel.com/generic -> 2}; empty when it asks for none
   */
  record Allowed(ArrayNode patch, Map<String, Integer> requested) implements MutationOutcome {
    public Allowed {
      requested = Map.copyOf(requested);
    }
  }

  /** Refuse the object; the message names the annotation and the fix. */
  record Denied(String message) implements MutationOutcome {}
}
