package io.qatvirt.webhook.permitted;

import java.util.List;
import java.util.Optional;

/**
 * Whether KubeVirt's {@code HostDevices} feature gate is on, as the cluster's KubeVirt would decide
 * it: from the CR's {@code featureGates} and {@code disabledFeatureGates} and the gate's state in
 * the release the CR reports ({@code status.observedKubeVirtVersion}). Pure.
 *
 * <p>KubeVirt's rule: an Alpha gate is on only when listed in {@code featureGates} and not in
 * {@code disabledFeatureGates}; a Beta gate is on unless listed in {@code disabledFeatureGates}; a
 * GA gate is always on. A missing or unrecognised version counts as Alpha.
 *
 * @param onByDefaultSince the first release where the gate is Beta (on by default), if known
 * @param gaSince the first release where the gate is GA (cannot be disabled), if known
 */
public record HostDevicesGate(
    Optional<KubeVirtVersion> onByDefaultSince, Optional<KubeVirtVersion> gaSince) {
  public static final String NAME = "HostDevices";

  /**
   * No KubeVirt release is known to have the gate on by default: it is Alpha through v1.9 ({@code
   * pkg/virt-config/featuregate}), and its graduation to Beta (KubeVirt pull request 18381, VEP 92)
   * had not merged when this was written. Update both fields when a release ships it.
   */
  public static final HostDevicesGate KNOWN =
      new HostDevicesGate(Optional.empty(), Optional.empty());

  /** The gate's answer for one CR. */
  public enum Verdict {
    /** On: listed, or on by default in that release and not disabled, or GA. */
    ON,
    /** Off because {@code disabledFeatureGates} lists it. */
    DISABLED,
    /** Off because the release needs it listed in {@code featureGates} and it isn't. */
    NOT_ENABLED
  }

  public Verdict decide(
      List<String> featureGates, List<String> disabledFeatureGates, Optional<KubeVirtVersion> at) {
    if (since(gaSince, at)) {
      return Verdict.ON;
    }
    if (disabledFeatureGates.contains(NAME)) {
      return Verdict.DISABLED;
    }
    if (featureGates.contains(NAME) || since(onByDefaultSince, at)) {
      return Verdict.ON;
    }
    return Verdict.NOT_ENABLED;
  }

  /** Whether the release is one where the gate is on unless disabled. */
  public boolean onByDefaultIn(Optional<KubeVirtVersion> at) {
    return since(onByDefaultSince, at) || since(gaSince, at);
  }

  private static boolean since(Optional<KubeVirtVersion> first, Optional<KubeVirtVersion> at) {
    return first.isPresent() && at.isPresent() && at.get().compareTo(first.get()) >= 0;
  }
}
