package io.qatvirt.webhook.admission;

/** A request body that is not a usable {@code admission.k8s.io/v1} AdmissionReview (HTTP 400). */
public final class BadReviewException extends Exception {
  public BadReviewException(String message) {
    super(message);
  }
}
