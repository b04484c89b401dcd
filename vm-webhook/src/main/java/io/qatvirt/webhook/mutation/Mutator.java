package io.qatvirt.webhook.mutation;

import com.fasterxml.jackson.databind.JsonNode;

/** Decides what to add to one admitted object. Never throws for a bad object: it denies it. */
@FunctionalInterface
public interface Mutator {

  /**
   * @param kind the request's {@code kind.kind}: {@code VirtualMachineInstance}, {@code
   *     VirtualMachine}, or anything else (allowed untouched)
   * @param operation the request's operation: {@code CREATE}, {@code UPDATE}, …
   * @param object the request's {@code object}, as sent
   */
  MutationOutcome mutate(String kind, String operation, JsonNode object);

  /**
   * The members of {@code object} this mutator reads: the webhook hands {@link #mutate} only those
   * (everything, unless a mutator says otherwise), and the outcome must be the same as for the
   * whole object.
   */
  default ObjectProjection reads() {
    return ObjectProjection.ALL;
  }

  /**
   * Whether {@link #mutate} may wait on I/O (an API server call, a lock held elsewhere) for an
   * object of this kind. The webhook answers such requests on a worker thread; the others are
   * answered on the connection's I/O thread, which must never wait. Unless a mutator says
   * otherwise, it may.
   */
  default boolean mayBlock(String kind) {
    return true;
  }
}
