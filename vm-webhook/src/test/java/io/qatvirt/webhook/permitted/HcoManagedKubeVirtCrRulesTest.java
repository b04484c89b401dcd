package io.qatvirt.webhook.permitted;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.qatvirt.kubevirt.KubeVirtJson;
import io.qatvirt.kubevirt.model.V1KubeVirt;
import io.qatvirt.kubevirt.model.V1KubeVirtStatus;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The rules' denials for a KubeVirt CR the HyperConverged operator manages: each fix is made in the
 * HyperConverged CR (HCO reverts edits to the KubeVirt CR), and the gate, which HCO always sets and
 * offers no setting for, is something to look into rather than to edit.
 */
class HcoManagedKubeVirtCrRulesTest {
  private static final ObjectMapper JSON = KubeVirtJson.newMapper();
  private static final PermitDecision PERMIT = new PermitDecision.Permit(Optional.empty());
  private static final KubeVirtCrManager HCO =
      new KubeVirtCrManager.HyperConverged("openshift-cnv", "kubevirt-hyperconverged");
  private static final String GATE =
      "\"developerConfiguration\": {\"featureGates\": [\"HostDevices\"]}";

  /** What the denials say to do about the gate on an HCO-managed CR. */
  private static final String HCO_SHOULD_SET_THE_GATE =
      "which HCO should have set (the HyperConverged CR has no setting for it, and HCO reverts"
          + " edits made to the KubeVirt CR): look on the HyperConverged CR"
          + " openshift-cnv/kubevirt-hyperconverged for a kubevirt.kubevirt.io/jsonpatch"
          + " annotation that changes the feature gates and remove that patch, and check its"
          + " status.conditions for a failed reconcile (oc get hyperconverged -n openshift-cnv"
          + " kubevirt-hyperconverged -o yaml); if neither, this HCO may be too old to set it:"
          + " upgrade OpenShift Virtualization";

  private static V1KubeVirt kubevirt(String configuration) throws Exception {
    return JSON.readValue(
        "{\"apiVersion\": \"kubevirt.io/v1\", \"kind\": \"KubeVirt\", \"metadata\": {\"name\":"
            + " \"kubevirt-kubevirt-hyperconverged\", \"namespace\": \"openshift-cnv\"},"
            + " \"spec\": {\"configuration\": "
            + configuration
            + "}}",
        V1KubeVirt.class);
  }

  private static PermitDecision decide(V1KubeVirt kubevirt, String... resources) {
    return decide(HostDevicesGate.KNOWN, kubevirt, resources);
  }

  private static PermitDecision decide(
      HostDevicesGate gate, V1KubeVirt kubevirt, String... resources) {
    return PermittedHostDevicesRules.decide(
        gate,
        "VirtualMachine vnf/gw",
        "openshift-cnv/kubevirt-kubevirt-hyperconverged",
        HCO,
        kubevirt,
        List.of(resources));
  }

  private static String permitted(String entries) {
    return "{" + GATE + ", \"permittedHostDevices\": {\"pciHostDevices\": [" + entries + "]}}";
  }

  @Test
  void permitsWhatTheRulesPermitWhoeverManagesTheCr() throws Exception {
    assertEquals(
        PERMIT,
        decide(
            kubevirt(
                permitted(
                    "{\"pciVendorSelector\": \"8086:4941\", \"resourceName\":"
                        + " \"qat.intel.com/cy\", \"externalResourceProvider\": true}")),
            "qat.intel.com/cy"));
  }

  @Test
  void deniesAResourceThatIsNotListedPointingToTheHyperConvergedCr() throws Exception {
    assertEquals(
        new PermitDecision.Deny(
            "tried to give VirtualMachine vnf/gw qat.intel.com/cy, but the KubeVirt CR"
                + " openshift-cnv/kubevirt-kubevirt-hyperconverged does not permit it: add"
                + " {pciDeviceSelector: 8086:4941, resourceName: qat.intel.com/cy,"
                + " externalResourceProvider: true} to spec.permittedHostDevices.pciHostDevices"
                + " in the HyperConverged CR openshift-cnv/kubevirt-hyperconverged, as"
                + " manifests/openshift/hyperconverged-qat-patch.yaml does (HCO copies it into"
                + " the KubeVirt CR and reverts edits made there)"),
        decide(kubevirt("{" + GATE + ", \"permittedHostDevices\": {}}"), "qat.intel.com/cy"));
  }

  @Test
  void suggestsOnlyADeviceIdTheHyperConvergedCrDoesNotListYet() throws Exception {
    // Another entry's selector, as plain KubeVirt gets, would be a second entry HCO's schema
    // refuses: HCO keys pciHostDevices by pciDeviceSelector.
    assertEquals(
        new PermitDecision.Deny(
            "tried to give VirtualMachine vnf/gw qat.intel.com/generic, but the KubeVirt CR"
                + " openshift-cnv/kubevirt-kubevirt-hyperconverged does not permit it: add"
                + " {pciDeviceSelector: 8086:4941, resourceName: qat.intel.com/generic,"
                + " externalResourceProvider: true} to spec.permittedHostDevices.pciHostDevices"
                + " in the HyperConverged CR openshift-cnv/kubevirt-hyperconverged, as"
                + " manifests/openshift/hyperconverged-qat-patch.yaml does (HCO copies it into"
                + " the KubeVirt CR and reverts edits made there)"),
        decide(
            kubevirt(
                permitted(
                    "{\"pciVendorSelector\": \"8086:37c9\", \"resourceName\":"
                        + " \"qat.intel.com/cy\", \"externalResourceProvider\": true}")),
            "qat.intel.com/generic"));
  }

  @Test
  void asksToMoveADeviceIdWhenTheExampleOneIsListedUnderAnotherName() throws Exception {
    assertEquals(
        new PermitDecision.Deny(
            "tried to give VirtualMachine vnf/gw qat.intel.com/dc, but the KubeVirt CR"
                + " openshift-cnv/kubevirt-kubevirt-hyperconverged does not permit it: in"
                + " spec.permittedHostDevices.pciHostDevices of the HyperConverged CR"
                + " openshift-cnv/kubevirt-hyperconverged, set resourceName: qat.intel.com/dc on"
                + " the entry whose pciDeviceSelector is the device ID of the VFs the nodes offer"
                + " as qat.intel.com/dc (HCO permits each device ID under one resource name), or"
                + " add {pciDeviceSelector: <that device ID>, resourceName: qat.intel.com/dc,"
                + " externalResourceProvider: true} if no entry has it, as"
                + " manifests/openshift/hyperconverged-qat-patch.yaml does (HCO copies it into"
                + " the KubeVirt CR and reverts edits made there)"),
        decide(
            kubevirt(
                permitted(
                    "{\"pciVendorSelector\": \"8086:4941\", \"resourceName\":"
                        + " \"qat.intel.com/cy\", \"externalResourceProvider\": true}")),
            "qat.intel.com/dc"));
  }

  @Test
  void deniesAResourceListedWithoutExternalResourceProviderPointingToTheHyperConvergedCr()
      throws Exception {
    assertEquals(
        new PermitDecision.Deny(
            "tried to give VirtualMachine vnf/gw qat.intel.com/generic, but the KubeVirt CR"
                + " openshift-cnv/kubevirt-kubevirt-hyperconverged lists it in"
                + " spec.configuration.permittedHostDevices.pciHostDevices without"
                + " externalResourceProvider: true, so KubeVirt would advertise the same VFs"
                + " itself: set externalResourceProvider: true on that entry in"
                + " spec.permittedHostDevices.pciHostDevices of the HyperConverged CR"
                + " openshift-cnv/kubevirt-hyperconverged, as"
                + " manifests/openshift/hyperconverged-qat-patch.yaml does (HCO copies it into"
                + " the KubeVirt CR and reverts edits made there)"),
        decide(
            kubevirt(
                permitted(
                    "{\"pciVendorSelector\": \"8086:37c9\", \"resourceName\":"
                        + " \"qat.intel.com/generic\"}")),
            "qat.intel.com/generic"));
  }

  @Test
  void saysHcoShouldHaveSetTheGateWhenItIsNotEnabled() throws Exception {
    assertEquals(
        new PermitDecision.Deny(
            "tried to give VirtualMachine vnf/gw qat.intel.com/cy, qat.intel.com/generic, but the"
                + " KubeVirt CR openshift-cnv/kubevirt-kubevirt-hyperconverged does not enable"
                + " the HostDevices feature gate, "
                + HCO_SHOULD_SET_THE_GATE),
        decide(
            kubevirt("{\"developerConfiguration\": {\"featureGates\": [\"Snapshot\"]}}"),
            "qat.intel.com/generic",
            "qat.intel.com/cy"));
  }

  @Test
  void saysHcoShouldHaveSetTheGateWhenItIsDisabled() throws Exception {
    String message =
        "tried to give VirtualMachine vnf/gw qat.intel.com/cy, but the KubeVirt CR"
            + " openshift-cnv/kubevirt-kubevirt-hyperconverged disables the HostDevices feature"
            + " gate, "
            + HCO_SHOULD_SET_THE_GATE;
    String disabled =
        "{\"developerConfiguration\": {\"featureGates\": [\"HostDevices\"],"
            + " \"disabledFeatureGates\": [\"HostDevices\"]}}";
    assertEquals(new PermitDecision.Deny(message), decide(kubevirt(disabled), "qat.intel.com/cy"));

    V1KubeVirt onByDefault = kubevirt(disabled);
    onByDefault.setStatus(new V1KubeVirtStatus().observedKubeVirtVersion("v1.11.0"));
    HostDevicesGate graduated =
        new HostDevicesGate(
            Optional.of(new KubeVirtVersion(1, 10)), Optional.of(new KubeVirtVersion(1, 12)));
    assertEquals(
        new PermitDecision.Deny(message), decide(graduated, onByDefault, "qat.intel.com/cy"));
  }
}
