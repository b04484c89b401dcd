package io.qatvirt.webhook.admission;

import io.qatvirt.kubevirt.KubeVirtKinds;
import io.qatvirt.webhook.admission.Decision.Result;
import io.qatvirt.webhook.mutation.MutationOutcome;
import io.qatvirt.webhook.mutation.Mutator;
import io.qatvirt.webhook.permitted.PermitDecision;
import io.qatvirt.webhook.permitted.PermittedDevices;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one AdmissionReview request into a response: the mutator decides the patch, the permitted
 * devices check decides whether KubeVirt would run the result, and the mutator's {@link
 * io.qatvirt.webhook.mutation.EvictionCheck} with the cluster's default strategy whether to warn
 * that the VM blocks node drains. Objects that are neither a VirtualMachineInstance nor a
 * VirtualMachine are admitted untouched without asking either.
 *
 * <p>A mutator that throws has a bug: the request is refused with code 500 and the stack trace is
 * logged once, here. Logs one line per decision with the object's namespace/name: denials at INFO
 * and warnings at WARN (rare, and what an admin acts on), admitted objects at DEBUG (the API
 * server's audit log and the {@code qat_webhook_admission_reviews_total} metric already record
 * them, and every log line takes a lock shared by the request threads).
 */
public final class AdmissionController {
  private static final Logger LOG = LoggerFactory.getLogger(AdmissionController.class);
  static final int FORBIDDEN = 403;
  static final int INTERNAL_ERROR = 500;

  private final Mutator mutator;
  private final PermittedDevices permitted;
  private final AdmissionReviewCodec codec;

  public AdmissionController(
      Mutator mutator, PermittedDevices permitted, AdmissionReviewCodec codec) {
    this.mutator = mutator;
    this.permitted = permitted;
    this.codec = codec;
  }

  public Decision review(AdmissionRequest request) {
    if (!isVmObject(request)) {
      LOG.debug(
          "admission {} {} {} {}: allowed untouched (not a VM or VMI object)",
          request.uid(),
          request.operation(),
          request.kind(),
          request.objectRef());
      return new Decision(AdmissionResponse.allow(request.uid()), Result.ALLOWED);
    }
    try {
      return decide(request);
    } catch (RuntimeException e) {
      String message =
          "tried to add QAT host devices to "
              + request.kind()
              + " "
              + request.objectRef()
              + ", but the webhook failed: "
              + e;
      LOG.error("admission {}: {}", request.uid(), message, e);
      return new Decision(
          AdmissionResponse.deny(request.uid(), INTERNAL_ERROR, message),
          Result.DENIED_INTERNAL_ERROR);
    }
  }

  /**
   * A VirtualMachineInstance or VirtualMachine with its object: what the mutator is asked about.
   */
  private static boolean isVmObject(AdmissionRequest request) {
    return KubeVirtKinds.VM_KINDS.contains(request.kind()) && !request.object().isMissingNode();
  }

  private Decision decide(AdmissionRequest request) {
    MutationOutcome outcome = mutator.mutate(request.kind(), request.operation(), request.object());
    if (outcome instanceof MutationOutcome.Denied denied) {
      LOG.info(
          "admission {} {} {} {}: denied: {}",
          request.uid(),
          request.operation(),
          request.kind(),
          request.objectRef(),
          denied.message());
      return new Decision(
          AdmissionResponse.deny(request.uid(), FORBIDDEN, denied.message()),
          Result.DENIED_REQUEST);
    }
    MutationOutcome.Allowed allowed = (MutationOutcome.Allowed) outcome;
    List<String> warnings = new ArrayList<>(2);
    if (!allowed.requested().isEmpty()) {
      PermitDecision permit =
          permitted.check(request.kind() + " " + request.objectRef(), allowed.requested().keySet());
      if (permit instanceof PermitDecision.Deny deny) {
        LOG.info(
            "admission {} {} {} {}: denied, not permitted: {}",
            request.uid(),
            request.operation(),
            request.kind(),
            request.objectRef(),
            deny.message());
        return new Decision(
            AdmissionResponse.deny(request.uid(), FORBIDDEN, deny.message()),
            Result.DENIED_NOT_PERMITTED);
      }
      ((PermitDecision.Permit) permit).warning().ifPresent(warnings::add);
    }
    allowed
        .eviction()
        .flatMap(check -> check.warning(permitted.defaultEvictionStrategy()))
        .ifPresent(warnings::add);
    boolean mutated = !allowed.patch().isEmpty();
    Optional<String> patch =
        mutated ? Optional.of(codec.patchText(allowed.patch())) : Optional.empty();
    AdmissionResponse response =
        new AdmissionResponse(request.uid(), true, patch, Optional.empty(), warnings);
    Result result = mutated ? Result.MUTATED : Result.ALLOWED;
    if (!warnings.isEmpty()) {
      LOG.warn(
          "admission {} {} {} {}: {} with {}: {}",
          request.uid(),
          request.operation(),
          request.kind(),
          request.objectRef(),
          result.label(),
          warnings.size() == 1 ? "a warning" : "warnings",
          String.join("; ", warnings));
    } else if (LOG.isDebugEnabled()) {
      LOG.debug(
          "admission {} {} {} {}: {}, requested {}",
          request.uid(),
          request.operation(),
          request.kind(),
          request.objectRef(),
          result.label(),
          allowed.requested());
    }
    return new Decision(response, result);
  }
}
