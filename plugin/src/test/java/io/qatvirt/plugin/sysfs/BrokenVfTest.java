package io.qatvirt.plugin.sysfs;

import static io.qatvirt.plugin.sysfs.Fixture.all;
import static io.qatvirt.plugin.sysfs.Fixture.pci;
import static io.qatvirt.plugin.sysfs.Fixture.vf;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.sim.VfStart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

/** One broken VF is logged once with its address and left out; the others stay advertised. */
class BrokenVfTest {

  @TempDir Path root;
  Fixture fx;
  SysfsScanner scanner;

  @BeforeEach
  void node() throws Exception {
    fx = new Fixture(root);
    fx.node
        .pf(QatFamily.GEN4_4XXX, "0000:3d:00.0")
        .vfs(3)
        .services("dc")
        .firstGroup(10)
        .start(VfStart.VFIO_PCI)
        .create();
    scanner = fx.scanner();
  }

  /** Scans three times; the broken 3d:00.2 is out every time, and its reason logged once. */
  private void assertLeftOutAndLoggedOnce(String warning) {
    List<Object> expected =
        List.of(
            vf("0000:3d:00.1", "0000:3d:00.0", 0, "dc", 11, 0),
            vf("0000:3d:00.3", "0000:3d:00.0", 2, "dc", 13, 0));
    for (int i = 0; i < 3; i++) {
      assertEquals(expected, List.copyOf(all(scanner.scan())));
    }
    assertEquals(List.of(warning), fx.log.lines(Level.WARN));
  }

  private Path vfDir() {
    return fx.node.deviceDir(pci("0000:3d:00.2"));
  }

  @Test
  void leavesOutAVfWithoutAnIommuGroup() throws Exception {
    fx.node.removeIommuGroupLink(pci("0000:3d:00.2"));

    assertLeftOutAndLoggedOnce(
        "tried to find the IOMMU group of VF 0000:3d:00.2, but it has no iommu_group link: is the"
            + " IOMMU on (intel_iommu=on)?: leaving it out");
  }

  @Test
  void leavesOutAVfWhoseIommuGroupLinkPointsElsewhere() throws Exception {
    Files.delete(vfDir().resolve("iommu_group"));
    Files.createSymbolicLink(vfDir().resolve("iommu_group"), Path.of("../../../../../../etc"));

    assertLeftOutAndLoggedOnce(
        "tried to read VF 0000:3d:00.2, but its iommu_group link points to ../../../../../../etc,"
            + " not into "
            + fx.node.sysfsRoot().resolve("kernel/iommu_groups")
            + ": leaving it out");
  }

  @Test
  void leavesOutAVfWhoseDeviceFileIsGarbage() throws Exception {
    fx.node.writeAttribute(pci("0000:3d:00.2"), "device", "0x49\u001b41\n");

    assertLeftOutAndLoggedOnce(
        "tried to read PCI device 0000:3d:00.2, but its device file reads '0x49\\x1b41', not a PCI"
            + " ID such as 0x8086: leaving it out");
  }

  @Test
  void leavesOutAVfWhoseVendorFileIsMissing() throws Exception {
    fx.node.deleteAttribute(pci("0000:3d:00.2"), "vendor");

    assertLeftOutAndLoggedOnce(
        "tried to read PCI device 0000:3d:00.2, but "
            + vfDir().resolve("vendor")
            + " is missing: leaving it out");
  }

  @Test
  void leavesOutAVfWhoseDriverLinkPointsOutsideTheDrivers() throws Exception {
    Files.delete(vfDir().resolve("driver"));
    Files.createSymbolicLink(vfDir().resolve("driver"), Path.of("../../../../bus/pci/vfio-pci"));

    assertLeftOutAndLoggedOnce(
        "tried to read VF 0000:3d:00.2, but its driver link points to ../../../../bus/pci/vfio-pci,"
            + " not into "
            + fx.node.sysfsRoot().resolve("bus/pci/drivers")
            + ": leaving it out");
  }

  @Test
  void leavesOutAnEntryLinkingOutsideTheDeviceTree() throws Exception {
    Path entry = fx.node.sysfsRoot().resolve("bus/pci/devices/0000:3d:00.2");
    Files.delete(entry);
    Path elsewhere = root.resolve("elsewhere/0000:3d:00.2");
    Files.createDirectories(elsewhere.getParent());
    Files.move(vfDir(), elsewhere);
    Files.createSymbolicLink(entry, entry.getParent().relativize(elsewhere));

    List<String> warnings = List.of();
    for (int i = 0; i < 3; i++) {
      assertEquals(
          List.of(
              vf("0000:3d:00.1", "0000:3d:00.0", 0, "dc", 11, 0),
              vf("0000:3d:00.3", "0000:3d:00.0", 2, "dc", 13, 0)),
          all(scanner.scan()));
      warnings = fx.log.lines(Level.WARN);
    }
    assertEquals(1, warnings.size());
    assertEquals(
        true,
        warnings
            .get(0)
            .startsWith("tried to read PCI device 0000:3d:00.2, but " + entry + " links to "));
  }

  @Test
  void skipsAnEntryWhoseNameIsNotAnAddress() throws Exception {
    Files.createSymbolicLink(fx.node.sysfsRoot().resolve("bus/pci/devices/garbage\nname"), vfDir());

    for (int i = 0; i < 3; i++) {
      assertEquals(3, all(scanner.scan()).size());
    }
    assertEquals(
        List.of(
            "tried to read "
                + fx.node.sysfsRoot().resolve("bus/pci/devices")
                + "/garbage\\x0aname, but its name is not a PCI address: skipping it"),
        fx.log.lines(Level.WARN));
  }

  @Test
  void advertisesAVfAgainOnceItsBrokenFileIsFixed() throws Exception {
    fx.node.writeAttribute(pci("0000:3d:00.2"), "device", "garbage\n");
    assertEquals(2, all(scanner.scan()).size());

    fx.node.writeAttribute(pci("0000:3d:00.2"), "device", "0x4941\n");

    assertEquals(
        List.of(
            vf("0000:3d:00.1", "0000:3d:00.0", 0, "dc", 11, 0),
            vf("0000:3d:00.2", "0000:3d:00.0", 1, "dc", 12, 0),
            vf("0000:3d:00.3", "0000:3d:00.0", 2, "dc", 13, 0)),
        all(scanner.scan()));
  }
}
