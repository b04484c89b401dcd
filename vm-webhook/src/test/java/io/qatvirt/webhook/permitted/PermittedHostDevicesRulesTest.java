package io.qatvirt.webhook.permitted;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.qatvirt.kubevirt.KubeVirtJson;
import io.qatvirt.kubevirt.model.V1KubeVirt;
import io.qatvirt.kubevirt.model.V1KubeVirtStatus;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PermittedHostDevicesRulesTest {
  private static final ObjectMapper JSON = KubeVirtJson.newMapper();
  private static final PermitDecision PERMIT = new PermitDecision.Permit(Optional.empty());

  private static V1KubeVirt kubevirt(String configuration) throws Exception {
    return JSON.readValue(
        "{\"apiVersion\": \"kubevirt.io/v1\", \"kind\": \"KubeVirt\", \"metadata\": {\"name\":"
            + " \"kubevirt\", \"namespace\": \"kubevirt\"}, \"spec\": {\"configuration\": "
            + configuration
            + "}}",
        V1KubeVirt.class);
  }

  private static PermitDecision decide(String configuration, String... resources) throws Exception {
    return PermittedHostDevicesRules.decide(
        "VirtualMachine vnf/gw",
        "kubevirt/kubevirt",
        DIRECT,
        kubevirt(configuration),
        List.of(resources));
  }

  private static final KubeVirtCrManager DIRECT = new KubeVirtCrManager.Direct();

  private static final String GATE =
      "\"developerConfiguration\": {\"featureGates\": [\"HostDevices\"]}";

  @Test
  void permitsResourcesListedWithAnExternalProvider() throws Exception {
    assertEquals(
        PERMIT,
        decide(
            "{"
                + GATE
                + ", \"permittedHostDevices\": {\"pciHostDevices\": ["
                + "{\"pciVendorSelector\": \"8086:4941\", \"resourceName\": \"qat.intel.com/generic\","
                + " \"externalResourceProvider\": true},"
                + "{\"pciVendorSelector\": \"8086:4941\", \"resourceName\": \"qat.intel.com/cy\","
                + " \"externalResourceProvider\": true}]}}",
            "qat.intel.com/generic",
            "qat.intel.com/cy"));
  }

  @Test
  void permitsEverythingWhenPermittedHostDevicesIsAbsent() throws Exception {
    assertEquals(PERMIT, decide("{" + GATE + "}", "qat.intel.com/cy"));
  }

  @Test
  void deniesAResourceThatIsNotListed() throws Exception {
    assertEquals(
        new PermitDecision.Deny(
            "tried to give VirtualMachine vnf/gw qat.intel.com/cy, but the KubeVirt CR"
                + " kubevirt/kubevirt does not permit it: add {pciVendorSelector: 8086:4941,"
                + " resourceName: qat.intel.com/cy, externalResourceProvider: true} to"
                + " spec.configuration.permittedHostDevices.pciHostDevices"),
        decide("{" + GATE + ", \"permittedHostDevices\": {}}", "qat.intel.com/cy"));
  }

  @Test
  void suggestsTheSelectorOfAnotherEntryOfTheSameVendorDomain() throws Exception {
    assertEquals(
        new PermitDecision.Deny(
            "tried to give VirtualMachine vnf/gw qat.intel.com/generic, but the KubeVirt CR"
                + " kubevirt/kubevirt does not permit it: add {pciVendorSelector: 8086:37c9,"
                + " resourceName: qat.intel.com/generic, externalResourceProvider: true} to"
                + " spec.configuration.permittedHostDevices.pciHostDevices"),
        decide(
            "{"
                + GATE
                + ", \"permittedHostDevices\": {\"pciHostDevices\": ["
                + "{\"pciVendorSelector\": \"10de:1eb8\", \"resourceName\": \"nvidia.com/T4\"},"
                + "{\"pciVendorSelector\": \"8086:37c9\", \"resourceName\": \"qat.intel.com/cy\","
                + " \"externalResourceProvider\": true}]}}",
            "qat.intel.com/generic"));
  }

  @Test
  void deniesAResourceListedWithoutExternalResourceProvider() throws Exception {
    assertEquals(
        new PermitDecision.Deny(
            "tried to give VirtualMachine vnf/gw qat.intel.com/generic, but the KubeVirt CR"
                + " kubevirt/kubevirt lists it in"
                + " spec.configuration.permittedHostDevices.pciHostDevices without"
                + " externalResourceProvider: true, so KubeVirt would advertise the same VFs"
                + " itself: set externalResourceProvider: true on that entry"),
        decide(
            "{"
                + GATE
                + ", \"permittedHostDevices\": {\"pciHostDevices\": [{\"pciVendorSelector\":"
                + " \"8086:4941\", \"resourceName\": \"qat.intel.com/generic\"}]}}",
            "qat.intel.com/generic"));
  }

  @Test
  void deniesWhenTheHostDevicesFeatureGateIsOff() throws Exception {
    String message =
        "tried to give VirtualMachine vnf/gw qat.intel.com/cy, qat.intel.com/generic, but the"
            + " KubeVirt CR kubevirt/kubevirt does not enable the HostDevices feature gate: add"
            + " HostDevices to spec.configuration.developerConfiguration.featureGates";
    assertEquals(
        new PermitDecision.Deny(message),
        decide("{}", "qat.intel.com/generic", "qat.intel.com/cy"));
    assertEquals(
        new PermitDecision.Deny(message),
        decide(
            "{\"developerConfiguration\": {\"featureGates\": [\"Sidecar\"]}}",
            "qat.intel.com/generic",
            "qat.intel.com/cy"));
    assertEquals(
        new PermitDecision.Deny(
            "tried to give VirtualMachine vnf/gw qat.intel.com/cy, but the KubeVirt CR"
                + " kubevirt/kubevirt does not enable the HostDevices feature gate: add"
                + " HostDevices to spec.configuration.developerConfiguration.featureGates and"
                + " remove it from disabledFeatureGates"),
        decide(
            "{\"developerConfiguration\": {\"featureGates\": [\"HostDevices\"],"
                + " \"disabledFeatureGates\": [\"HostDevices\"]}}",
            "qat.intel.com/cy"));
  }

  private static V1KubeVirt observed(String configuration, String version) throws Exception {
    V1KubeVirt kubevirt = kubevirt(configuration);
    kubevirt.setStatus(new V1KubeVirtStatus().observedKubeVirtVersion(version));
    return kubevirt;
  }

  /** Beta (on by default) from v1.10, GA from v1.12: not yet true of any release. */
  private static final HostDevicesGate GRADUATED =
      new HostDevicesGate(
          Optional.of(new KubeVirtVersion(1, 10)), Optional.of(new KubeVirtVersion(1, 12)));

  @Test
  void permitsWithoutTheGateListedInAReleaseThatHasItOnByDefault() throws Exception {
    assertEquals(
        PERMIT,
        PermittedHostDevicesRules.decide(
            GRADUATED,
            "VirtualMachine vnf/gw",
            "kubevirt/kubevirt",
            DIRECT,
            observed("{}", "v1.10.1"),
            List.of("qat.intel.com/generic")));
  }

  @Test
  void deniesWhenDisabledInAReleaseThatHasItOnByDefault() throws Exception {
    assertEquals(
        new PermitDecision.Deny(
            "tried to give VirtualMachine vnf/gw qat.intel.com/generic, but the KubeVirt CR"
                + " kubevirt/kubevirt disables the HostDevices feature gate, which KubeVirt v1.11"
                + " turns on by default: remove HostDevices from"
                + " spec.configuration.developerConfiguration.disabledFeatureGates"),
        PermittedHostDevicesRules.decide(
            GRADUATED,
            "VirtualMachine vnf/gw",
            "kubevirt/kubevirt",
            DIRECT,
            observed(
                "{\"developerConfiguration\": {\"disabledFeatureGates\": [\"HostDevices\"]}}",
                "v1.11.0"),
            List.of("qat.intel.com/generic")));
  }

  @Test
  void stillNeedsTheGateListedInTheReleasesKnownToday() throws Exception {
    assertEquals(
        new PermitDecision.Deny(
            "tried to give VirtualMachine vnf/gw qat.intel.com/generic, but the KubeVirt CR"
                + " kubevirt/kubevirt does not enable the HostDevices feature gate: add"
                + " HostDevices to spec.configuration.developerConfiguration.featureGates"),
        PermittedHostDevicesRules.decide(
            "VirtualMachine vnf/gw",
            "kubevirt/kubevirt",
            DIRECT,
            observed("{}", "v1.9.2"),
            List.of("qat.intel.com/generic")));
  }
}
