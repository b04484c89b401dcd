package io.qatvirt.webhook.permitted;

import java.util.Optional;

/** Whether the cluster's KubeVirt configuration lets a VM use the resources it asks for. */
public sealed interface PermitDecision {

  /** Go ahead; with a warning for the AdmissionReview when the check could not be made. */
  record Permit(Optional<String> warning) implements PermitDecision {}

  /** Refuse, with a message an admin or VM owner can act on. */
  record Deny(String message) implements PermitDecision {}
}
