package io.qatvirt.plugin.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.qatvirt.plugin.PluginSettings;
import io.qatvirt.plugin.RunningPlugin;
import io.qatvirt.plugin.allocation.AllocationPolicy;
import io.qatvirt.plugin.api.v1beta1.AllocateRequest;
import io.qatvirt.plugin.api.v1beta1.AllocateResponse;
import io.qatvirt.plugin.api.v1beta1.ContainerAllocateRequest;
import io.qatvirt.plugin.api.v1beta1.ContainerAllocateResponse;
import io.qatvirt.plugin.api.v1beta1.DevicePluginOptions;
import io.qatvirt.plugin.api.v1beta1.DeviceSpec;
import io.qatvirt.plugin.api.v1beta1.RegisterRequest;
import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.sim.SimulatedNode;
import io.qatvirt.plugin.sim.VfStart;
import io.qatvirt.plugin.testing.FakeKubelet;
import io.qatvirt.plugin.testing.NettyUnixTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole plugin over real Unix sockets against the fake kubelet, on a simulated node whose
 * kernel reacts to the plugin's sysfs writes: PF 6b (cy, NUMA 0) has two VFs already on vfio-pci;
 * PF 70 (dc, NUMA 1) has two VFs that come up unbound and must be bound first.
 */
class PluginIT {
  static final Duration WAIT = Duration.ofSeconds(10);
  static final String CY = "qat.intel.com/cy";
  static final String DC = "qat.intel.com/dc";

  @TempDir Path root;
  @TempDir Path kubeletDir;

  private SimulatedNode node;
  private NettyUnixTransport transport;
  private FakeKubelet kubelet;
  private RunningPlugin plugin;

  static PciAddress pci(String text) {
    return PciAddress.parse(text).orElseThrow();
  }

  @BeforeEach
  void setUp() throws Exception {
    node = SimulatedNode.create(root);
    node.pf(QatFamily.GEN4_4XXX, "0000:6b:00.0")
        .vfs(2)
        .services("sym;asym")
        .numaNode(0)
        .firstGroup(40)
        .start(VfStart.VFIO_PCI)
        .create();
    node.pf(QatFamily.GEN4_4XXX, "0000:70:00.0")
        .vfs(2)
        .services("dc")
        .numaNode(1)
        .firstGroup(50)
        .start(VfStart.UNBOUND)
        .create();
    transport = new NettyUnixTransport();
    kubelet = new FakeKubelet(kubeletDir, transport).start();
    plugin =
        RunningPlugin.start(
            new PluginSettings(
                node.scanConfig(),
                kubeletDir,
                AllocationPolicy.BALANCED,
                Duration.ofHours(1),
                OptionalInt.of(0),
                "127.0.0.1"),
            node.kernel());
  }

  @AfterEach
  void tearDown() throws Exception {
    plugin.close();
    kubelet.close();
    transport.close();
  }

  static RegisterRequest registration(String resource) {
    return RegisterRequest.newBuilder()
        .setVersion("v1beta1")
        .setEndpoint(resource.replace('/', '-') + ".sock")
        .setResourceName(resource)
        .setOptions(DevicePluginOptions.newBuilder().setGetPreferredAllocationAvailable(true))
        .build();
  }

  private FakeKubelet.Update latest(String resource) {
    return kubelet.latest(resource).orElseThrow();
  }

  @Test
  void registersEachResourceAndListsItsVfsAfterBindingTheUnboundOnes() throws Exception {
    assertEquals(
        Set.of(registration(CY), registration(DC)),
        Set.copyOf(kubelet.awaitRegistrations(2, WAIT)));
    kubelet.awaitUpdate(u -> u.resource().equals(CY), WAIT);
    kubelet.awaitUpdate(u -> u.resource().equals(DC), WAIT);

    assertEquals("0000:6b:00.1=Healthy@0 0000:6b:00.2=Healthy@0", latest(CY).describeDevices());
    assertEquals("0000:70:00.1=Healthy@1 0000:70:00.2=Healthy@1", latest(DC).describeDevices());
    assertEquals(Optional.of("vfio-pci"), node.driver(pci("0000:70:00.1")));
    assertEquals(Optional.of("vfio-pci"), node.driver(pci("0000:70:00.2")));
    assertTrue(Files.exists(node.devRoot().resolve("vfio/51")));
  }

  @Test
  void allocatesTheVfioNodesAndTheAddressesKubeVirtReads() {
    kubelet.awaitRegistrations(2, WAIT);

    AllocateResponse response =
        kubelet
            .plugin("qat.intel.com-dc.sock")
            .allocate(
                AllocateRequest.newBuilder()
                    .addContainerRequests(
                        ContainerAllocateRequest.newBuilder()
                            .addDevicesIds("0000:70:00.2")
                            .addDevicesIds("0000:70:00.1"))
                    .build());

    assertEquals(
        AllocateResponse.newBuilder()
            .addContainerResponses(
                ContainerAllocateResponse.newBuilder()
                    .addDevices(spec("/dev/vfio/vfio"))
                    .addDevices(spec("/dev/vfio/52"))
                    .addDevices(spec("/dev/vfio/51"))
                    .putAllEnvs(
                        Map.of(
                            "PCI_RESOURCE_QAT_INTEL_COM_DC", "0000:70:00.2,0000:70:00.1",
                            "QAT_DC_0", "0000:70:00.1",
                            "QAT_DC_1", "0000:70:00.2")))
            .build(),
        response);
  }

  @Test
  void givesAContainerTakingCyAndDcEveryVariableOnceWhenKubeletMergesTheAnswers() {
    kubelet.awaitRegistrations(2, WAIT);
    AllocateResponse cy = allocate("qat.intel.com-cy.sock", "0000:6b:00.2", "0000:6b:00.1");
    AllocateResponse dc = allocate("qat.intel.com-dc.sock", "0000:70:00.1");

    Map<String, String> cyEnvs = cy.getContainerResponses(0).getEnvsMap();
    Map<String, String> dcEnvs = dc.getContainerResponses(0).getEnvsMap();
    assertEquals(
        Map.of(
            "PCI_RESOURCE_QAT_INTEL_COM_CY", "0000:6b:00.2,0000:6b:00.1",
            "QAT_CY_0", "0000:6b:00.1",
            "QAT_CY_1", "0000:6b:00.2"),
        cyEnvs);
    assertEquals(
        Map.of("PCI_RESOURCE_QAT_INTEL_COM_DC", "0000:70:00.1", "QAT_DC_0", "0000:70:00.1"),
        dcEnvs);
    // kubelet's device manager keeps the first value of a name and logs a conflicting later one
    Map<String, String> container = new java.util.LinkedHashMap<>();
    List<String> conflicts = new java.util.ArrayList<>();
    for (Map<String, String> envs : List.of(cyEnvs, dcEnvs)) {
      envs.forEach(
          (name, value) -> {
            if (container.putIfAbsent(name, value) != null) {
              conflicts.add(name);
            }
          });
    }
    assertEquals(List.of(), conflicts);
    assertEquals(
        Map.of(
            "PCI_RESOURCE_QAT_INTEL_COM_CY", "0000:6b:00.2,0000:6b:00.1",
            "QAT_CY_0", "0000:6b:00.1",
            "QAT_CY_1", "0000:6b:00.2",
            "PCI_RESOURCE_QAT_INTEL_COM_DC", "0000:70:00.1",
            "QAT_DC_0", "0000:70:00.1"),
        container);
  }

  private AllocateResponse allocate(String socket, String... ids) {
    return kubelet
        .plugin(socket)
        .allocate(
            AllocateRequest.newBuilder()
                .addContainerRequests(
                    ContainerAllocateRequest.newBuilder().addAllDevicesIds(List.of(ids)))
                .build());
  }

  static DeviceSpec spec(String path) {
    return DeviceSpec.newBuilder()
        .setHostPath(path)
        .setContainerPath(path)
        .setPermissions("rw")
        .build();
  }

  @Test
  void reportsAVanishedVfioNodeAsUnhealthyAndRefusesToAllocateIt() throws Exception {
    kubelet.awaitUpdate(u -> u.resource().equals(CY), WAIT);

    node.removeVfioNode(pci("0000:6b:00.2"));

    kubelet.awaitUpdate(u -> u.resource().equals(CY) && u.healthy() == 1, WAIT);
    assertEquals("0000:6b:00.1=Healthy@0 0000:6b:00.2=Unhealthy@0", latest(CY).describeDevices());
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                kubelet
                    .plugin("qat.intel.com-cy.sock")
                    .allocate(
                        AllocateRequest.newBuilder()
                            .addContainerRequests(
                                ContainerAllocateRequest.newBuilder().addDevicesIds("0000:6b:00.2"))
                            .build()));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    assertEquals(
        "tried to allocate device 0000:6b:00.2, but it is unhealthy: its VFIO node /dev/vfio/42"
            + " is missing: is /dev mounted into the plugin, and did vfio-pci create it?",
        e.getStatus().getDescription());
  }

  @Test
  void servesOnFreshSocketsAndRegistersAgainWhenKubeletRestarts() throws Exception {
    kubelet.awaitRegistrations(2, WAIT);
    kubelet.awaitUpdate(u -> u.resource().equals(DC), WAIT);
    int updatesBefore = kubelet.updates.size();

    kubelet.restart();

    List<RegisterRequest> all = kubelet.awaitRegistrations(4, Duration.ofSeconds(2));
    assertEquals(Set.of(registration(CY), registration(DC)), Set.copyOf(all.subList(2, 4)));
    kubelet.awaitUpdate(u -> kubelet.updates.indexOf(u) >= updatesBefore + 1, WAIT);
    assertTrue(Files.exists(kubeletDir.resolve("qat.intel.com-cy.sock")));
    assertTrue(Files.exists(kubeletDir.resolve("qat.intel.com-dc.sock")));
    assertEquals("0000:6b:00.1=Healthy@0 0000:6b:00.2=Healthy@0", latest(CY).describeDevices());
  }

  @Test
  void servesMetricsOfDevicesRegistrationsAllocationsAndBinds() throws Exception {
    kubelet.awaitRegistrations(2, WAIT);
    kubelet
        .plugin("qat.intel.com-cy.sock")
        .allocate(
            AllocateRequest.newBuilder()
                .addContainerRequests(
                    ContainerAllocateRequest.newBuilder().addDevicesIds("0000:6b:00.1"))
                .build());

    String body =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(
                            "http://127.0.0.1:" + plugin.metricsPort().orElseThrow() + "/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();

    for (String line :
        List.of(
            "qat_devices{health=\"Healthy\",resource=\"qat.intel.com/cy\"} 2.0",
            "qat_devices{health=\"Healthy\",resource=\"qat.intel.com/dc\"} 2.0",
            "qat_allocations_total{resource=\"qat.intel.com/cy\"} 1.0",
            "qat_registrations_total{resource=\"qat.intel.com/cy\",result=\"accepted\"} 1.0",
            "qat_binds_total 2.0",
            "qat_bind_failures_total 0.0")) {
      assertTrue(body.lines().anyMatch(line::equals), line + " missing in:\n" + body);
    }
  }

  @Test
  void stopsServingAResourceWhoseVfsAreRemoved() throws Exception {
    kubelet.awaitRegistrations(2, WAIT);

    node.setNumVfs(pci("0000:70:00.0"), 0);
    plugin.manager().requestRescan();

    await().atMost(WAIT).until(() -> !Files.exists(kubeletDir.resolve("qat.intel.com-dc.sock")));
    assertEquals(Set.of(CY), plugin.manager().servedResources());
  }
}
