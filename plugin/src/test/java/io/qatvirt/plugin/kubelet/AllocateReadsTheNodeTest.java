package io.qatvirt.plugin.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.qatvirt.plugin.allocation.AllocationPolicy;
import io.qatvirt.plugin.allocation.PreferredAllocator;
import io.qatvirt.plugin.api.v1beta1.AllocateRequest;
import io.qatvirt.plugin.api.v1beta1.AllocateResponse;
import io.qatvirt.plugin.api.v1beta1.ContainerAllocateRequest;
import io.qatvirt.plugin.api.v1beta1.ContainerAllocateResponse;
import io.qatvirt.plugin.api.v1beta1.DevicePluginGrpc;
import io.qatvirt.plugin.api.v1beta1.DeviceSpec;
import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.device.Vf;
import io.qatvirt.plugin.sim.SimulatedNode;
import io.qatvirt.plugin.sim.VfStart;
import io.qatvirt.plugin.sysfs.BindEvents;
import io.qatvirt.plugin.sysfs.SysfsNodeVfs;
import io.qatvirt.plugin.sysfs.SysfsScanner;
import io.qatvirt.plugin.sysfs.VfioBinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Allocate on a simulated node that changes after the scan: the service answers from the node as it
 * is at the call, not from the snapshot. PF 6b (cy) has VFs 6b:00.1 (group 41) and 6b:00.2 (group
 * 42) on vfio-pci, and 6b:00.3 on 4xxxvf (which loads that driver).
 */
class AllocateReadsTheNodeTest {
  private static final String CY = "qat.intel.com/cy";
  private static final PciAddress VF1 = PciAddress.parse("0000:6b:00.1").orElseThrow();
  private static final PciAddress VF2 = PciAddress.parse("0000:6b:00.2").orElseThrow();

  @TempDir Path root;

  private SimulatedNode node;
  private List<Vf> advertised;
  private Server server;
  private ManagedChannel channel;
  private DevicePluginGrpc.DevicePluginBlockingStub stub;

  @BeforeEach
  void serve() throws Exception {
    node = SimulatedNode.create(root);
    node.pf(QatFamily.GEN4_4XXX, "0000:6b:00.0")
        .vfs(3)
        .services("sym;asym")
        .firstGroup(40)
        .start(VfStart.VFIO_PCI)
        .start(2, VfStart.KERNEL_DRIVER)
        .create();
    advertised =
        new SysfsScanner(
                node.scanConfig().withBind(false),
                new VfioBinder(node.sysfsRoot(), node.devRoot(), node.kernel()),
                BindEvents.NONE)
            .scan()
            .vfs(CY);
    DevicePluginService service =
        new DevicePluginService(
            CY,
            advertised,
            new PreferredAllocator(AllocationPolicy.BALANCED),
            KubeletEvents.NONE,
            new SysfsNodeVfs(node.sysfsRoot(), node.devRoot()));
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name).directExecutor().addService(service).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    stub = DevicePluginGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  private AllocateResponse allocate(String... ids) {
    return stub.allocate(
        AllocateRequest.newBuilder()
            .addContainerRequests(
                ContainerAllocateRequest.newBuilder().addAllDevicesIds(List.of(ids)))
            .build());
  }

  private Status refused(String... ids) {
    return assertThrows(StatusRuntimeException.class, () -> allocate(ids)).getStatus();
  }

  private static DeviceSpec spec(String path) {
    return DeviceSpec.newBuilder()
        .setHostPath(path)
        .setContainerPath(path)
        .setPermissions("rw")
        .build();
  }

  private static final AllocateResponse BOTH =
      AllocateResponse.newBuilder()
          .addContainerResponses(
              ContainerAllocateResponse.newBuilder()
                  .addDevices(spec("/dev/vfio/vfio"))
                  .addDevices(spec("/dev/vfio/42"))
                  .addDevices(spec("/dev/vfio/41"))
                  .putAllEnvs(
                      Map.of(
                          "PCI_RESOURCE_QAT_INTEL_COM_CY", "0000:6b:00.2,0000:6b:00.1",
                          "QAT_CY_0", "0000:6b:00.1",
                          "QAT_CY_1", "0000:6b:00.2")))
          .build();

  @Test
  void answersAnUnchangedNodeAsBefore() {
    assertEquals(2, advertised.stream().filter(Vf::healthy).count());

    assertEquals(BOTH, allocate("0000:6b:00.2", "0000:6b:00.1"));
  }

  @Test
  void refusesAVfRemovedSinceTheScanAsNotFound() throws Exception {
    node.removeDevice(VF2);

    Status status = refused("0000:6b:00.1", "0000:6b:00.2");

    assertEquals(Status.Code.NOT_FOUND, status.getCode());
    assertEquals(
        "tried to allocate VF 0000:6b:00.2, but it is no longer in sysfs (removed, or SR-IOV"
            + " disabled on its PF)",
        status.getDescription());
  }

  @Test
  void refusesAVfTheKernelRemovedWithSriovAsNotFound() throws Exception {
    node.kernel().write(node.deviceDir(pci("0000:6b:00.0")).resolve("sriov_numvfs"), "0");

    Status status = refused("0000:6b:00.1");

    assertEquals(Status.Code.NOT_FOUND, status.getCode());
    assertEquals(
        "tried to allocate VF 0000:6b:00.1, but it is no longer in sysfs (removed, or SR-IOV"
            + " disabled on its PF)",
        status.getDescription());
  }

  @Test
  void refusesAVfReboundToAnotherDriverAsFailedPrecondition() throws Exception {
    Path entry = node.sysfsRoot().resolve("bus/pci/devices/0000:6b:00.1");
    node.kernel().write(entry.resolve("driver/unbind"), "0000:6b:00.1");
    node.kernel().write(entry.resolve("driver_override"), "4xxxvf");
    node.kernel().write(node.sysfsRoot().resolve("bus/pci/drivers_probe"), "0000:6b:00.1");
    assertEquals(Optional.of("4xxxvf"), node.driver(VF1));

    Status status = refused("0000:6b:00.1");

    assertEquals(Status.Code.FAILED_PRECONDITION, status.getCode());
    assertEquals(
        "tried to allocate VF 0000:6b:00.1, but it is bound to 4xxxvf now, not vfio-pci",
        status.getDescription());
  }

  @Test
  void refusesAVfUnboundSinceTheScanAsFailedPrecondition() throws Exception {
    node.kernel()
        .write(node.sysfsRoot().resolve("bus/pci/drivers/vfio-pci/unbind"), "0000:6b:00.1");

    Status status = refused("0000:6b:00.1");

    assertEquals(Status.Code.FAILED_PRECONDITION, status.getCode());
    assertEquals(
        "tried to allocate VF 0000:6b:00.1, but it has no driver now, not vfio-pci",
        status.getDescription());
  }

  @Test
  void refusesAVfWhoseVfioNodeWasDeletedAsFailedPrecondition() throws Exception {
    node.removeVfioNode(VF1);

    Status status = refused("0000:6b:00.2", "0000:6b:00.1");

    assertEquals(Status.Code.FAILED_PRECONDITION, status.getCode());
    assertEquals(
        "tried to allocate VF 0000:6b:00.1, but its VFIO node /dev/vfio/41 is missing",
        status.getDescription());
  }

  @Test
  void refusesAVfThatMovedToAnotherIommuGroupAsFailedPrecondition() throws Exception {
    Path link = node.deviceDir(VF1).resolve("iommu_group");
    Path group = node.sysfsRoot().resolve("kernel/iommu_groups/77");
    Files.createDirectories(group.resolve("devices"));
    Files.delete(link);
    Files.createSymbolicLink(link, link.getParent().relativize(group));
    Files.writeString(node.devRoot().resolve("vfio/77"), "");

    Status status = refused("0000:6b:00.1");

    assertEquals(Status.Code.FAILED_PRECONDITION, status.getCode());
    assertEquals(
        "tried to allocate VF 0000:6b:00.1, but it is in IOMMU group 77 now, not 41 as"
            + " advertised",
        status.getDescription());
  }

  @Test
  void stillAnswersForTheGoodVfsAfterRefusingABadOne() throws Exception {
    node.removeVfioNode(VF1);
    refused("0000:6b:00.1");
    Files.writeString(node.vfioNode(VF1), "");

    assertEquals(BOTH, allocate("0000:6b:00.2", "0000:6b:00.1"));
  }

  private static PciAddress pci(String text) {
    return PciAddress.parse(text).orElseThrow();
  }
}
