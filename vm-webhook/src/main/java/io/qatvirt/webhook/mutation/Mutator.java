package io.qatvirt.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Decides what to add to one admitted object. A bad object is denied with a message; an exception
 * is a bug in the mutator, which the webhook answers with an internal error.
 */
@FunctionalInterface
public interface Mutator {

  /**
   * @param kind the request's {@code kind.kind}: {@code VirtualMachineInstance}, {@code
   *     VirtualMachine}, or anything else (allowed untouched)
   * @param operation the request's operation: {@code CREATE}, {@code UPDATE}, …
   * @param object the request's {@code object}, as sent
   */
  MutationOutcome mutate(String kind, String operation, JsonNode object);
}
