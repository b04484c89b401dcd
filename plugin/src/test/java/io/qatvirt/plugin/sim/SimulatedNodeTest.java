package io.qatvirt.plugin.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.device.VfioGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tree is laid out exactly as Linux lays it out (qat-sysfs.md, real-kernel-sriov.md). */
class SimulatedNodeTest {

  @TempDir Path root;
  SimulatedNode node;
  Path sys;

  @BeforeEach
  void node() throws Exception {
    node = SimulatedNode.create(root);
    sys = node.sysfsRoot();
    node.pf(QatFamily.GEN4_4XXX, "0000:6b:00.0")
        .vfs(2)
        .services("sym;dc")
        .numaNode(1)
        .firstGroup(7)
        .start(0, VfStart.VFIO_PCI)
        .start(1, VfStart.UNBOUND)
        .create();
  }

  private static PciAddress pci(String text) {
    return PciAddress.parse(text).orElseThrow();
  }

  private String link(String path) throws Exception {
    return Files.readSymbolicLink(sys.resolve(path)).toString();
  }

  private String read(String path) throws Exception {
    return Files.readString(sys.resolve(path));
  }

  @Test
  void nestsDevicesUnderTheirRootPortAndLinksThemFromTheBus() throws Exception {
    assertEquals(
        "../../../devices/pci0000:00/0000:00:01.0/0000:6b:00.0",
        link("bus/pci/devices/0000:6b:00.0"));
    assertEquals(
        "../../../devices/pci0000:00/0000:00:01.0/0000:6b:00.1",
        link("bus/pci/devices/0000:6b:00.1"));
    assertEquals("../../../devices/pci0000:00/0000:00:01.0", link("bus/pci/devices/0000:00:01.0"));
    assertEquals(
        sys.resolve("devices/pci0000:00/0000:00:01.0/0000:6b:00.1"),
        node.deviceDir(pci("0000:6b:00.1")));
  }

  @Test
  void writesTheAttributesWithTheKernelsSpelling() throws Exception {
    assertEquals("0x8086\n", read("bus/pci/devices/0000:6b:00.1/vendor"));
    assertEquals("0x4941\n", read("bus/pci/devices/0000:6b:00.1/device"));
    assertEquals("0x4940\n", read("bus/pci/devices/0000:6b:00.0/device"));
    assertEquals("0x0b4000\n", read("bus/pci/devices/0000:6b:00.1/class"));
    assertEquals("1\n", read("bus/pci/devices/0000:6b:00.1/numa_node"));
    assertEquals("(null)\n", read("bus/pci/devices/0000:6b:00.2/driver_override"));
    assertEquals("vfio-pci\n", read("bus/pci/devices/0000:6b:00.1/driver_override"));
    assertEquals(
        "DRIVER=vfio-pci\nPCI_CLASS=B4000\nPCI_ID=8086:4941\nPCI_SUBSYS_ID=8086:0000\n"
            + "PCI_SLOT_NAME=0000:6b:00.1\n"
            + "MODALIAS=pci:v00008086d00004941sv00008086sd00000000bc0Bsc40i00\n",
        read("bus/pci/devices/0000:6b:00.1/uevent"));
    assertTrue(read("bus/pci/devices/0000:6b:00.2/uevent").startsWith("PCI_CLASS=B4000\n"));
  }

  @Test
  void givesThePfItsSriovAndQatAttributes() throws Exception {
    assertEquals("16\n", read("bus/pci/devices/0000:6b:00.0/sriov_totalvfs"));
    assertEquals("2\n", read("bus/pci/devices/0000:6b:00.0/sriov_numvfs"));
    assertEquals("1\n", read("bus/pci/devices/0000:6b:00.0/sriov_drivers_autoprobe"));
    assertEquals("up\n", read("bus/pci/devices/0000:6b:00.0/qat/state"));
    assertEquals("sym;dc\n", read("bus/pci/devices/0000:6b:00.0/qat/cfg_services"));
    assertEquals("../0000:6b:00.1", link("bus/pci/devices/0000:6b:00.0/virtfn0"));
    assertEquals("../0000:6b:00.2", link("bus/pci/devices/0000:6b:00.0/virtfn1"));
    assertEquals("../0000:6b:00.0", link("bus/pci/devices/0000:6b:00.2/physfn"));
    assertEquals("../../../../bus/pci/drivers/4xxx", link("bus/pci/devices/0000:6b:00.0/driver"));
    assertEquals(
        "0\n",
        Files.readString(node.debugfsRoot().resolve("qat_4xxx_0000:6b:00.0/heartbeat/status")));
  }

  @Test
  void linksDriversAndIommuGroupsBothWays() throws Exception {
    assertEquals(
        "../../../../bus/pci/drivers/vfio-pci", link("bus/pci/devices/0000:6b:00.1/driver"));
    assertEquals(
        "../../../../devices/pci0000:00/0000:00:01.0/0000:6b:00.1",
        link("bus/pci/drivers/vfio-pci/0000:6b:00.1"));
    assertFalse(
        Files.exists(
            sys.resolve("bus/pci/devices/0000:6b:00.2/driver"),
            java.nio.file.LinkOption.NOFOLLOW_LINKS));
    assertEquals(
        "../../../../kernel/iommu_groups/8", link("bus/pci/devices/0000:6b:00.1/iommu_group"));
    assertEquals(
        "../../../../devices/pci0000:00/0000:00:01.0/0000:6b:00.1",
        link("kernel/iommu_groups/8/devices/0000:6b:00.1"));
    assertEquals(new VfioGroup(8, false), node.group(pci("0000:6b:00.1")));
    for (String file : List.of("bind", "unbind", "new_id", "remove_id")) {
      assertTrue(Files.isRegularFile(sys.resolve("bus/pci/drivers/vfio-pci/" + file)), file);
    }
    assertTrue(Files.isRegularFile(sys.resolve("bus/pci/drivers_probe")));
  }

  @Test
  void createsVfioNodesOnlyForDevicesOnVfioPci() throws Exception {
    assertTrue(Files.isRegularFile(node.devRoot().resolve("vfio/vfio")));
    assertTrue(Files.isRegularFile(node.devRoot().resolve("vfio/8")));
    assertFalse(Files.exists(node.devRoot().resolve("vfio/9")));
  }

  @Test
  void namesNoIommuGroupsAndTheirNodes() throws Exception {
    node.pf(QatFamily.GEN4_4XXX, "0000:3d:00.0")
        .vfs(1)
        .noIommu()
        .firstGroup(20)
        .start(VfStart.VFIO_PCI)
        .create();

    assertEquals("vfio-noiommu\n", read("kernel/iommu_groups/21/name"));
    assertTrue(Files.isRegularFile(node.devRoot().resolve("vfio/noiommu-21")));
  }

  @Test
  void laysOutAGuestVfWithoutAPf() throws Exception {
    PciAddress vf =
        node.guestVf(QatFamily.GEN4_4XXX, "0000:01:00.0").group(3).start(VfStart.VFIO_PCI).create();

    Path dir = node.deviceDir(vf);
    assertEquals(sys.resolve("devices/pci0000:00/0000:00:02.0/0000:01:00.0"), dir);
    assertFalse(Files.exists(dir.resolve("physfn"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    assertEquals("-1\n", Files.readString(dir.resolve("numa_node")));
    assertEquals(Optional.of("vfio-pci"), node.driver(vf));
  }

  @Test
  void startsPreGen4VfsOnTheirKernelDriverAtDevice1() throws Exception {
    SimulatedPf pf = node.pf(QatFamily.C62X, "0000:3d:00.0").vfs(2).create();

    assertEquals(List.of(pci("0000:3d:01.0"), pci("0000:3d:01.1")), pf.vfs());
    assertEquals(Optional.of("c6xxvf"), node.driver(pf.vf(0)));
    assertEquals("0x37c9\n", read("bus/pci/devices/0000:3d:01.0/device"));
    assertFalse(Files.exists(sys.resolve("bus/pci/devices/0000:3d:00.0/qat")));
  }

  @Test
  void removesEveryTraceOfAnUnpluggedDevice() throws Exception {
    node.removeDevice(pci("0000:6b:00.1"));

    assertFalse(
        Files.exists(
            sys.resolve("bus/pci/devices/0000:6b:00.1"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(sys.resolve("devices/pci0000:00/0000:00:01.0/0000:6b:00.1")));
    assertFalse(
        Files.exists(
            sys.resolve("bus/pci/drivers/vfio-pci/0000:6b:00.1"),
            java.nio.file.LinkOption.NOFOLLOW_LINKS));
    assertFalse(
        Files.exists(
            sys.resolve("bus/pci/devices/0000:6b:00.0/virtfn0"),
            java.nio.file.LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(sys.resolve("kernel/iommu_groups/8")));
    assertFalse(Files.exists(node.devRoot().resolve("vfio/8")));
    assertFalse(node.exists(pci("0000:6b:00.1")));
  }
}
