package io.qatvirt.webhook.permitted;

/** {@code --on-api-unavailable}: what to do when the API server can't be asked. */
public enum OnApiUnavailable {
  /** Admit, with a warning in the AdmissionReview response (the default). */
  ALLOW,
  /** Deny, saying the API server could not be reached. */
  DENY
}
