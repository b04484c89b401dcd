package io.qatvirt.webhook.admission;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The parts of an {@code admission.k8s.io/v1} AdmissionReview request the webhook uses.
 *
 * @param uid echoed in the response
 * @param kind {@code request.kind.kind}, empty when absent
 * @param operation {@code CREATE}, {@code UPDATE}, …; empty when absent
 * @param namespace {@code request.namespace}, empty for cluster-scoped objects
 * @param name {@code request.name}, or the object's {@code metadata.name}, or its {@code
 *     metadata.generateName} followed by {@code *}; empty when none is known
 * @param object {@code request.object}, a MissingNode when absent (e.g. DELETE)
 */
public record AdmissionRequest(
    String uid, String kind, String operation, String namespace, String name, JsonNode object) {

  /** {@code namespace/name} for log lines. */
  public String objectRef() {
    String n = name.isEmpty() ? "<unnamed>" : name;
    return namespace.isEmpty() ? n : namespace + "/" + n;
  }
}
