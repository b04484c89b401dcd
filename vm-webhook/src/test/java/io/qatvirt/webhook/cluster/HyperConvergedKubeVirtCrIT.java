package io.qatvirt.webhook.cluster;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.qatvirt.webhook.permitted.OnApiUnavailable;
import io.qatvirt.webhook.permitted.PermitDecision;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On OpenShift Virtualization the webhook reads the KubeVirt CR that the HyperConverged operator
 * writes: {@code openshift-cnv/kubevirt-kubevirt-hyperconverged}, with HCO's hard-coded feature
 * gates (HostDevices among them), its disabledFeatureGates (every Beta gate it does not enable,
 * HostDevicesWithDRA among them), the cluster's evictionStrategy, and the HyperConverged CR's
 * pciHostDevices with pciDeviceSelector renamed pciVendorSelector. The CR below is what HCO
 * (controllers/handlers/kubevirt.go at commit 03da3cff, KubeVirt v1.9.0) writes for a
 * HyperConverged CR patched with manifests/openshift/hyperconverged-qat-patch.yaml on a highly
 * available cluster (trimmed of fields the webhook never reads, such as the seccomp and TLS
 * settings).
 */
class HyperConvergedKubeVirtCrIT {
  private static final PermitDecision PERMIT = new PermitDecision.Permit(Optional.empty());

  private static final String HCO_KUBEVIRT_CR =
      """
      {
        "apiVersion": "kubevirt.io/v1",
        "kind": "KubeVirt",
        "metadata": {
          "name": "kubevirt-kubevirt-hyperconverged",
          "namespace": "openshift-cnv",
          "resourceVersion": "100",
          "labels": {
            "app": "kubevirt-hyperconverged",
            "app.kubernetes.io/component": "compute",
            "app.kubernetes.io/managed-by": "hco-operator",
            "app.kubernetes.io/part-of": "hyperconverged-cluster",
            "app.kubernetes.io/version": "4.22.0"
          }
        },
        "spec": {
          "certificateRotateStrategy": {
            "selfSigned": {"ca": {"duration": "48h0m0s", "renewBefore": "24h0m0s"},
                           "server": {"duration": "24h0m0s", "renewBefore": "12h0m0s"}}
          },
          "configuration": {
            "developerConfiguration": {
              "diskVerification": {"memoryLimit": "2G"},
              "featureGates": ["CPUManager", "DecentralizedLiveMigration",
                               "DeclarativeHotplugVolumes", "HostDevices", "HypervStrictCheck",
                               "KubevirtSeccompProfile", "Snapshot"],
              "disabledFeatureGates": ["ExternalNetResourceInjection", "GPUsWithDRA",
                                       "HostDevicesWithDRA", "ImageVolume",
                                       "LibvirtHooksServerAndClient", "NodeRestriction",
                                       "OptOutRoleAggregation", "PasstBinding",
                                       "PodSecondaryInterfaceNamingUpgrade", "RebootPolicy",
                                       "Template", "VmiMemoryOverheadReport",
                                       "WorkloadEncryptionSEV"]
            },
            "evictionStrategy": "LiveMigrate",
            "permittedHostDevices": {
              "pciHostDevices": [
                {"pciVendorSelector": "8086:0443", "resourceName": "qat.intel.com/generic",
                 "externalResourceProvider": true},
                {"pciVendorSelector": "8086:0442", "resourceName": "qat.intel.com/generic",
                 "externalResourceProvider": true},
                {"pciVendorSelector": "8086:37c9", "resourceName": "qat.intel.com/generic",
                 "externalResourceProvider": true},
                {"pciVendorSelector": "8086:19e3", "resourceName": "qat.intel.com/generic",
                 "externalResourceProvider": true},
                {"pciVendorSelector": "8086:6f55", "resourceName": "qat.intel.com/generic",
                 "externalResourceProvider": true},
                {"pciVendorSelector": "8086:18a1", "resourceName": "qat.intel.com/generic",
                 "externalResourceProvider": true},
                {"pciVendorSelector": "8086:4941", "resourceName": "qat.intel.com/cy",
                 "externalResourceProvider": true},
                {"pciVendorSelector": "8086:4943", "resourceName": "qat.intel.com/cy",
                 "externalResourceProvider": true},
                {"pciVendorSelector": "8086:4945", "resourceName": "qat.intel.com/cy",
                 "externalResourceProvider": true},
                {"pciVendorSelector": "8086:4947", "resourceName": "qat.intel.com/cy",
                 "externalResourceProvider": true},
                {"pciVendorSelector": "8086:4949", "resourceName": "qat.intel.com/cy",
                 "externalResourceProvider": true}
              ]
            },
            "migrations": {"allowAutoConverge": false, "allowPostCopy": false,
                           "completionTimeoutPerGiB": 150, "parallelMigrationsPerCluster": 5,
                           "parallelOutboundMigrationsPerNode": 2, "progressTimeout": 150}
          },
          "customizeComponents": {},
          "uninstallStrategy": "BlockUninstallIfWorkloadsExist",
          "workloadUpdateStrategy": {"batchEvictionInterval": "1m0s", "batchEvictionSize": 10,
                                     "workloadUpdateMethods": ["LiveMigrate"]}
        },
        "status": {
          "phase": "Deployed",
          "observedKubeVirtVersion": "v1.9.0",
          "observedKubeVirtRegistry": "registry.redhat.io/container-native-virtualization"
        }
      }
      """;

  private final FakeApiServer api = new FakeApiServer();
  private final KubernetesClient client = api.client();
  private KubeVirtPermittedDevices devices;

  @BeforeEach
  void serveTheCrHcoWrote() {
    api.wireMock()
        .stubFor(
            FakeApiServer.kubeVirtList()
                .willReturn(okJson(FakeApiServer.kubeVirtListBody(HCO_KUBEVIRT_CR))));
    // A watch with nothing to report, open for about a minute.
    api.stubKubeVirtWatch("", 60_000);
    devices = new KubeVirtPermittedDevices(client, OnApiUnavailable.DENY, Duration.ofMillis(200));
    devices.start();
    Awaitility.await("the CR HCO wrote is read")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> devices.defaultEvictionStrategy().isPresent());
  }

  @AfterEach
  void stop() {
    devices.close();
    client.close();
    api.close();
  }

  @Test
  void permitsTheResourcesTheHyperConvergedCrPermitsWithHcosFeatureGates() {
    assertEquals(PERMIT, devices.check("VirtualMachine vnf/ipsec-gw", List.of("qat.intel.com/cy")));
    assertEquals(
        PERMIT, devices.check("VirtualMachine vnf/legacy", List.of("qat.intel.com/generic")));
    assertEquals(
        PERMIT,
        devices.check(
            "VirtualMachine vnf/both", List.of("qat.intel.com/cy", "qat.intel.com/generic")));
  }

  @Test
  void deniesAResourceTheHyperConvergedCrDoesNotPermitPointingToTheHyperConvergedCr() {
    // Every QAT VF device ID is listed, and HCO keys pciHostDevices by pciDeviceSelector: the fix
    // moves a device ID to qat.intel.com/dc rather than adding a second entry for it.
    assertEquals(
        new PermitDecision.Deny(
            "tried to give VirtualMachine vnf/zip qat.intel.com/dc, but the KubeVirt CR"
                + " openshift-cnv/kubevirt-kubevirt-hyperconverged does not permit it: in"
                + " spec.permittedHostDevices.pciHostDevices of the HyperConverged CR"
                + " openshift-cnv/kubevirt-hyperconverged, set resourceName: qat.intel.com/dc on"
                + " the entry whose pciDeviceSelector is the device ID of the VFs the nodes offer"
                + " as qat.intel.com/dc (HCO permits each device ID under one resource name), or"
                + " add {pciDeviceSelector: <that device ID>, resourceName: qat.intel.com/dc,"
                + " externalResourceProvider: true} if no entry has it, as"
                + " manifests/openshift/hyperconverged-qat-patch.yaml does (HCO copies it into"
                + " the KubeVirt CR and reverts edits made there)"),
        devices.check("VirtualMachine vnf/zip", List.of("qat.intel.com/dc")));
  }

  @Test
  void readsOpenShiftVirtualizationsDefaultEvictionStrategy() {
    assertEquals(Optional.of("LiveMigrate"), devices.defaultEvictionStrategy());
  }
}
