package io.qatvirt.webhook.admission;

/**
 * What the controller decided for one request, for the response, the log and the metrics.
 *
 * @param response the answer to send
 * @param result how it ended
 */
public record Decision(AdmissionResponse response, Result result) {

  /** How a review ended; the {@code result} label of the request metric. */
  public enum Result {
    /** Admitted with a non-empty patch. */
    MUTATED,
    /** Admitted untouched. */
    ALLOWED,
    /** Refused by the mutator: a bad QAT request. */
    DENIED_REQUEST,
    /** Refused because KubeVirt's configuration doesn't permit the resources. */
    DENIED_NOT_PERMITTED,
    /** Refused because the webhook itself failed (a bug); fails closed. */
    DENIED_INTERNAL_ERROR;

    public boolean denied() {
      return this != MUTATED && this != ALLOWED;
    }

    /** The label value: lower case. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
