package io.qatvirt.plugin.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qatvirt.plugin.allocation.VfOnNode;
import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.device.VfioGroup;
import io.qatvirt.plugin.sim.SimulatedNode;
import io.qatvirt.plugin.sim.VfStart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SysfsNodeVfsTest {
  private static final PciAddress VF = PciAddress.parse("0000:6b:00.1").orElseThrow();

  @TempDir Path root;

  private SimulatedNode node(VfStart start, boolean noIommu) throws Exception {
    SimulatedNode node = SimulatedNode.create(root);
    var pf = node.pf(QatFamily.GEN4_4XXX, "0000:6b:00.0").vfs(1).firstGroup(40).start(start);
    (noIommu ? pf.noIommu() : pf).create();
    return node;
  }

  private static VfOnNode read(SimulatedNode node) {
    return new SysfsNodeVfs(node.sysfsRoot(), node.devRoot()).read(VF);
  }

  @Test
  void readsTheDriverTheGroupAndItsNode() throws Exception {
    assertEquals(
        new VfOnNode.Present(
            Optional.of("vfio-pci"),
            Set.of("vfio-pci"),
            Optional.of(new VfioGroup(41, false)),
            true),
        read(node(VfStart.VFIO_PCI, false)));
  }

  @Test
  void readsAnUnboundVfWithoutItsNode() throws Exception {
    assertEquals(
        new VfOnNode.Present(
            Optional.empty(), Set.of("vfio-pci"), Optional.of(new VfioGroup(41, false)), false),
        read(node(VfStart.UNBOUND, false)));
  }

  @Test
  void readsTheNoIommuGroup() throws Exception {
    VfOnNode now = read(node(VfStart.VFIO_PCI, true));

    assertEquals(
        new VfOnNode.Present(
            Optional.of("vfio-pci"),
            Set.of("vfio-pci"),
            Optional.of(new VfioGroup(41, true)),
            true),
        now);
  }

  @Test
  void readsARemovedVfAsGone() throws Exception {
    SimulatedNode node = node(VfStart.VFIO_PCI, false);
    node.removeDevice(VF);

    assertEquals(new VfOnNode.Gone(), read(node));
  }

  @Test
  void readsAVfWithoutAnIommuGroupLink() throws Exception {
    SimulatedNode node = node(VfStart.VFIO_PCI, false);
    node.removeIommuGroupLink(VF);

    assertEquals(
        new VfOnNode.Present(Optional.of("vfio-pci"), Set.of("vfio-pci"), Optional.empty(), false),
        read(node));
  }

  @Test
  void namesAGroupLinkThatIsNotAGroup() throws Exception {
    SimulatedNode node = node(VfStart.VFIO_PCI, false);
    Path link = node.deviceDir(VF).resolve("iommu_group");
    Files.delete(link);
    Files.createSymbolicLink(link, Path.of("../../../../kernel/iommu_groups/x1"));

    assertEquals(
        new VfOnNode.Unreadable(
            "its iommu_group link points to ../../../../kernel/iommu_groups/x1, not to an IOMMU"
                + " group"),
        read(node));
  }

  @Test
  void countsTheConfiguredVfioDrivers() throws Exception {
    SimulatedNode node = node(VfStart.VFIO_PCI, false);

    assertEquals(
        new VfOnNode.Present(
            Optional.of("vfio-pci"),
            Set.of("vfio-pci", "qat_vfio_pci"),
            Optional.of(new VfioGroup(41, false)),
            true),
        new SysfsNodeVfs(node.sysfsRoot(), node.devRoot(), Set.of("vfio-pci", "qat_vfio_pci"))
            .read(VF));
  }
}
