package io.qatvirt.webhook.permitted;

import java.util.List;
import java.util.Optional;

/**
 * The texts of {@link PermittedHostDevicesRules}' denials, "tried to give …, but the KubeVirt CR …:
 * fix", where the fix is made where the CR's {@link KubeVirtCrManager manager} takes it: in the
 * KubeVirt CR itself, or in the HyperConverged CR HCO copies into it. Pure.
 *
 * @param subject who asks ({@code VirtualMachine ns/name})
 * @param ref the KubeVirt CR's {@code namespace/name}
 * @param manager where the KubeVirt CR is changed
 */
record DenialMessages(String subject, String ref, KubeVirtCrManager manager) {
  private static final String GATE = HostDevicesGate.NAME;
  private static final String HCO_PATCH = "manifests/openshift/hyperconverged-qat-patch.yaml";

  /**
   * {@code disabledFeatureGates} lists the gate; {@code onByDefaultIn} the release, if it is Beta.
   */
  String gateDisabled(List<String> resources, Optional<KubeVirtVersion> onByDefaultIn) {
    if (manager instanceof KubeVirtCrManager.HyperConverged hco) {
      return tried(resources) + " disables the " + GATE + " feature gate, " + hcoShouldSetGate(hco);
    }
    if (onByDefaultIn.isPresent()) {
      return tried(resources)
          + " disables the "
          + GATE
          + " feature gate, which KubeVirt "
          + onByDefaultIn.get()
          + " turns on by default: remove "
          + GATE
          + " from spec.configuration.developerConfiguration.disabledFeatureGates";
    }
    return gateNotEnabled(resources) + " and remove it from disabledFeatureGates";
  }

  /** The release needs the gate in {@code featureGates}, and it isn't there. */
  String gateNotEnabled(List<String> resources) {
    String notEnabled = tried(resources) + " does not enable the " + GATE + " feature gate";
    if (manager instanceof KubeVirtCrManager.HyperConverged hco) {
      return notEnabled + ", " + hcoShouldSetGate(hco);
    }
    return notEnabled
        + ": add "
        + GATE
        + " to spec.configuration.developerConfiguration.featureGates";
  }

  /**
   * {@code pciHostDevices} does not list the resource.
   *
   * @param selector a device ID to permit it under, if one can be added
   */
  String notListed(String resource, Optional<String> selector) {
    String but = tried(List.of(resource)) + " does not permit it: ";
    if (!(manager instanceof KubeVirtCrManager.HyperConverged hco)) {
      return but
          + "add "
          + entry(
              "pciVendorSelector",
              selector.orElse(PermittedHostDevicesRules.EXAMPLE_SELECTOR),
              resource)
          + " to spec.configuration.permittedHostDevices.pciHostDevices";
    }
    if (selector.isPresent()) {
      return but
          + "add "
          + entry("pciDeviceSelector", selector.get(), resource)
          + " to spec.permittedHostDevices.pciHostDevices in the HyperConverged CR "
          + hco.ref()
          + hcoCopies();
    }
    return but
        + "in spec.permittedHostDevices.pciHostDevices of the HyperConverged CR "
        + hco.ref()
        + ", set resourceName: "
        + resource
        + " on the entry whose pciDeviceSelector is the device ID of the VFs the nodes offer as "
        + resource
        + " (HCO permits each device ID under one resource name), or add "
        + entry("pciDeviceSelector", "<that device ID>", resource)
        + " if no entry has it"
        + hcoCopies();
  }

  /** {@code pciHostDevices} lists the resource, but not with {@code externalResourceProvider}. */
  String notExternal(String resource) {
    String but =
        tried(List.of(resource))
            + " lists it in spec.configuration.permittedHostDevices.pciHostDevices without"
            + " externalResourceProvider: true, so KubeVirt would advertise the same VFs"
            + " itself: set externalResourceProvider: true on that entry";
    if (manager instanceof KubeVirtCrManager.HyperConverged hco) {
      return but
          + " in spec.permittedHostDevices.pciHostDevices of the HyperConverged CR "
          + hco.ref()
          + hcoCopies();
    }
    return but;
  }

  private String tried(List<String> resources) {
    return "tried to give "
        + subject
        + " "
        + String.join(", ", resources)
        + ", but the KubeVirt CR "
        + ref;
  }

  private static String entry(String selectorField, String selector, String resource) {
    return "{"
        + selectorField
        + ": "
        + selector
        + ", resourceName: "
        + resource
        + ", externalResourceProvider: true}";
  }

  private static String hcoCopies() {
    return ", as "
        + HCO_PATCH
        + " does (HCO copies it into the KubeVirt CR and reverts edits made there)";
  }

  /** HCO always enables the gate and has no setting for it: say why it may not have. */
  private static String hcoShouldSetGate(KubeVirtCrManager.HyperConverged hco) {
    return "which HCO should have set (the HyperConverged CR has no setting for it, and HCO"
        + " reverts edits made to the KubeVirt CR): look on the HyperConverged CR "
        + hco.ref()
        + " for a kubevirt.kubevirt.io/jsonpatch annotation that changes the feature gates and"
        + " remove that patch, and check its status.conditions for a failed reconcile (oc get"
        + " hyperconverged -n "
        + hco.namespace()
        + " "
        + hco.name()
        + " -o yaml); if neither, this HCO may be too old to set it: upgrade OpenShift"
        + " Virtualization";
  }
}
