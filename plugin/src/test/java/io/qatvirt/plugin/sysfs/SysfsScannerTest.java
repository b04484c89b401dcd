package io.qatvirt.plugin.sysfs;

import static io.qatvirt.plugin.sysfs.Fixture.all;
import static io.qatvirt.plugin.sysfs.Fixture.guestVf;
import static io.qatvirt.plugin.sysfs.Fixture.pci;
import static io.qatvirt.plugin.sysfs.Fixture.vf;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qatvirt.plugin.device.DeviceSnapshot;
import io.qatvirt.plugin.device.Health;
import io.qatvirt.plugin.device.PciId;
import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.device.Vf;
import io.qatvirt.plugin.device.VfioGroup;
import io.qatvirt.plugin.sim.SriovDeviceType;
import io.qatvirt.plugin.sim.VfStart;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SysfsScannerTest {

  @TempDir Path root;
  Fixture fx;

  @BeforeEach
  void node() throws Exception {
    fx = new Fixture(root);
  }

  private ScanConfig allFamilies() {
    return fx.node.scanConfig().withFamilies(EnumSet.allOf(QatFamily.class));
  }

  @ParameterizedTest
  @CsvSource({
    "DH895XCC, generic, 0000:3d:01.0, 0000:3d:01.1",
    "C62X, generic, 0000:3d:01.0, 0000:3d:01.1",
    "C3XXX, generic, 0000:3d:01.0, 0000:3d:01.1",
    "D15XX, generic, 0000:3d:01.0, 0000:3d:01.1",
    "C4XXX, generic, 0000:3d:01.0, 0000:3d:01.1",
    "GEN4_4XXX, cy, 0000:3d:00.1, 0000:3d:00.2",
    "GEN4_401XX, cy, 0000:3d:00.1, 0000:3d:00.2",
    "GEN4_402XX, cy, 0000:3d:00.1, 0000:3d:00.2",
    "GEN4_420XX, cy, 0000:3d:00.1, 0000:3d:00.2",
    "GEN6_6XXX, cy, 0000:3d:00.1, 0000:3d:00.2"
  })
  void advertisesTheVfsOfEveryFamilyUnderItsResourceName(
      QatFamily family, String kind, String vf0, String vf1) throws Exception {
    fx.node
        .pf(family, "0000:3d:00.0")
        .vfs(2)
        .numaNode(1)
        .firstGroup(10)
        .start(VfStart.VFIO_PCI)
        .create();

    DeviceSnapshot snapshot = fx.scanner(allFamilies()).scan();

    assertEquals(
        Map.of(
            "qat.intel.com/" + kind,
            List.of(
                vf(vf0, "0000:3d:00.0", 0, kind, 11, 1), vf(vf1, "0000:3d:00.0", 1, kind, 12, 1))),
        snapshot.byResource());
  }

  @ParameterizedTest
  @CsvSource({"GEN4_4XXX, 4941", "GEN6_6XXX, 4949", "C62X, 37c9", "DH895XCC, 0442"})
  void advertisesAGuestsPassedThroughVfAsGeneric(QatFamily family, String device) throws Exception {
    fx.node.guestVf(family, "0000:01:00.0").group(5).start(VfStart.VFIO_PCI).create();
    fx.node.writeAttribute(pci("0000:01:00.0"), "device", "0x" + device + "\n");

    DeviceSnapshot snapshot = fx.scanner(allFamilies()).scan();

    assertEquals(
        Map.of("qat.intel.com/generic", List.of(guestVf("0000:01:00.0", "generic", 5, -1))),
        snapshot.byResource());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "sym;asym | cy",
        "asym;sym | cy",
        "dc | dc",
        "sym | sym",
        "asym | asym",
        "sym;dc | sym-dc",
        "asym;dc | asym-dc",
        "dcc | dcc",
        "decomp | decomp",
        "asym;sym;dc | asym-sym-dc",
        "SYM;ASYM | generic",
        "sym;../x | generic",
        "'' | generic"
      })
  void namesGen4ResourcesAfterThePfsServices(String services, String kind) throws Exception {
    fx.node
        .pf(QatFamily.GEN4_4XXX, "0000:6b:00.0")
        .vfs(1)
        .services(services)
        .firstGroup(20)
        .start(VfStart.VFIO_PCI)
        .create();

    DeviceSnapshot snapshot = fx.scanner().scan();

    assertEquals(
        Map.of(
            "qat.intel.com/" + kind, List.of(vf("0000:6b:00.1", "0000:6b:00.0", 0, kind, 21, 0))),
        snapshot.byResource());
  }

  @Test
  void logsOnceWhyAPfsServicesCouldNotNameItsResource() throws Exception {
    fx.node
        .pf(QatFamily.GEN4_4XXX, "0000:6b:00.0")
        .vfs(2)
        .services("sym;;dc")
        .start(VfStart.VFIO_PCI)
        .create();
    SysfsScanner scanner = fx.scanner();

    scanner.scan();
    scanner.scan();
    scanner.scan();

    assertEquals(
        List.of(
            "tried to name the resource of the VFs of PF 0000:6b:00.0 after its services, but"
                + " qat/cfg_services reads 'sym;;dc', not services of [a-z0-9] separated by ';':"
                + " advertising them as qat.intel.com/generic"),
        fx.log.lines(org.slf4j.event.Level.WARN));
  }

  @Test
  void ordersVfsByPfThenByVfIndexNumericallyThenGuestVfsByAddress() throws Exception {
    fx.node
        .pf(QatFamily.GEN4_4XXX, "0000:b1:00.0")
        .vfs(2)
        .services("dc")
        .firstGroup(100)
        .start(VfStart.VFIO_PCI)
        .create();
    fx.node
        .pf(QatFamily.GEN4_4XXX, "0000:1a:00.0")
        .vfs(16)
        .services("dc")
        .firstGroup(200)
        .start(VfStart.VFIO_PCI)
        .create();
    fx.node
        .guestVf(QatFamily.GEN4_4XXX, "0000:02:00.0")
        .group(301)
        .start(VfStart.VFIO_PCI)
        .create();
    fx.node
        .guestVf(QatFamily.GEN4_4XXX, "0000:01:00.0")
        .group(300)
        .start(VfStart.VFIO_PCI)
        .create();

    DeviceSnapshot snapshot = fx.scanner().scan();

    List<Vf> expectedDc = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      // 1a:00.0 + 1 + i: 1a:00.1 ... 1a:00.7, 1a:01.0 ... 1a:02.0
      int rid = 0x1a00 + 1 + i;
      String address = String.format("0000:1a:%02x.%d", (rid >> 3) & 0x1f, rid & 7);
      expectedDc.add(vf(address, "0000:1a:00.0", i, "dc", 201 + i, 0));
    }
    expectedDc.add(vf("0000:b1:00.1", "0000:b1:00.0", 0, "dc", 101, 0));
    expectedDc.add(vf("0000:b1:00.2", "0000:b1:00.0", 1, "dc", 102, 0));
    assertEquals(expectedDc, snapshot.vfs("qat.intel.com/dc"));
    assertEquals(pci("0000:1a:01.2"), snapshot.vfs("qat.intel.com/dc").get(9).address());
    assertEquals(10, snapshot.vfs("qat.intel.com/dc").get(10).vfIndex());
    assertEquals(
        List.of(
            guestVf("0000:01:00.0", "generic", 300, -1),
            guestVf("0000:02:00.0", "generic", 301, -1)),
        snapshot.vfs("qat.intel.com/generic"));
  }

  @Test
  void capsTheVfsAtMaxNumDevicesInAdvertisingOrderAndBindsNoneBeyond() throws Exception {
    fx.node.pf(QatFamily.GEN4_4XXX, "0000:3d:00.0").vfs(4).services("dc").firstGroup(10).create();
    fx.node.pf(QatFamily.GEN4_4XXX, "0000:1a:00.0").vfs(4).services("dc").firstGroup(30).create();

    DeviceSnapshot snapshot = fx.scanner(fx.node.scanConfig().withMaxNumDevices(6)).scan();

    assertEquals(
        List.of(
            vf("0000:1a:00.1", "0000:1a:00.0", 0, "dc", 31, 0),
            vf("0000:1a:00.2", "0000:1a:00.0", 1, "dc", 32, 0),
            vf("0000:1a:00.3", "0000:1a:00.0", 2, "dc", 33, 0),
            vf("0000:1a:00.4", "0000:1a:00.0", 3, "dc", 34, 0),
            vf("0000:3d:00.1", "0000:3d:00.0", 0, "dc", 11, 0),
            vf("0000:3d:00.2", "0000:3d:00.0", 1, "dc", 12, 0)),
        all(snapshot));
    assertEquals(Optional.empty(), fx.node.driver(pci("0000:3d:00.3")));
    assertEquals(Optional.empty(), fx.node.driver(pci("0000:3d:00.4")));
    assertEquals(
        List.of("found 8 VFs, advertising the first 6 (--max-num-devices)"),
        fx.log.lines(org.slf4j.event.Level.INFO).stream()
            .filter(l -> l.startsWith("found"))
            .toList());
  }

  @Test
  void ignoresVfsOfFamiliesNotEnabled() throws Exception {
    fx.node.pf(QatFamily.C62X, "0000:3d:00.0").vfs(2).start(VfStart.VFIO_PCI).create();
    fx.node.pf(QatFamily.GEN6_6XXX, "0000:4d:00.0").vfs(2).start(VfStart.VFIO_PCI).create();
    fx.node
        .pf(QatFamily.GEN4_420XX, "0000:5d:00.0")
        .vfs(1)
        .services("dc")
        .firstGroup(50)
        .start(VfStart.VFIO_PCI)
        .create();

    DeviceSnapshot snapshot = fx.scanner().scan();

    assertEquals(
        Map.of("qat.intel.com/dc", List.of(vf("0000:5d:00.1", "0000:5d:00.0", 0, "dc", 51, 0))),
        snapshot.byResource());
  }

  @Test
  void advertisesExtraIdVfsAsGenericAndNeverTheirPf() throws Exception {
    fx.node.pf(SriovDeviceType.QEMU_NVME, "0000:01:00.0").vfs(2).firstGroup(7).create();
    ScanConfig config = fx.node.scanConfig().withExtraVfIds(List.of(new PciId(0x1b36, 0x0010)));

    DeviceSnapshot snapshot = fx.scanner(config).scan();

    assertEquals(
        Map.of(
            "qat.intel.com/generic",
            List.of(
                vf("0000:01:00.1", "0000:01:00.0", 0, "generic", 8, 0),
                vf("0000:01:00.2", "0000:01:00.0", 1, "generic", 9, 0))),
        snapshot.byResource());
    assertEquals(Optional.of("nvme"), fx.node.driver(pci("0000:01:00.0")));
    assertEquals(
        List.of(
            "Write[attribute="
                + fx.node.sysfsRoot()
                + "/bus/pci/devices/0000:01:00.1/driver_override, value=vfio-pci, succeeded=true]",
            "Write[attribute="
                + fx.node.sysfsRoot()
                + "/bus/pci/devices/0000:01:00.1/driver/unbind, value=0000:01:00.1, succeeded=true]",
            "Write[attribute="
                + fx.node.sysfsRoot()
                + "/bus/pci/drivers_probe, value=0000:01:00.1, succeeded=true]",
            "Write[attribute="
                + fx.node.sysfsRoot()
                + "/bus/pci/devices/0000:01:00.2/driver_override, value=vfio-pci, succeeded=true]",
            "Write[attribute="
                + fx.node.sysfsRoot()
                + "/bus/pci/devices/0000:01:00.2/driver/unbind, value=0000:01:00.2, succeeded=true]",
            "Write[attribute="
                + fx.node.sysfsRoot()
                + "/bus/pci/drivers_probe, value=0000:01:00.2, succeeded=true]"),
        fx.kernel.writes().stream().map(Object::toString).toList());
  }

  @Test
  void ignoresExtraIdDevicesUnlessAsked() throws Exception {
    fx.node.guestVf(SriovDeviceType.QEMU_NVME, "0000:01:00.0").start(VfStart.VFIO_PCI).create();

    assertEquals(DeviceSnapshot.EMPTY.byResource(), fx.scanner().scan().byResource());
  }

  @Test
  void advertisesAGuestExtraIdVf() throws Exception {
    fx.node
        .guestVf(SriovDeviceType.QEMU_NVME, "0000:01:00.0")
        .group(3)
        .start(VfStart.VFIO_PCI)
        .create();
    ScanConfig config = fx.node.scanConfig().withExtraVfIds(List.of(new PciId(0x1b36, 0x0010)));

    assertEquals(
        Map.of("qat.intel.com/generic", List.of(guestVf("0000:01:00.0", "generic", 3, -1))),
        fx.scanner(config).scan().byResource());
  }

  @Test
  void usesTheNoIommuNodeOfANoIommuGroup() throws Exception {
    fx.node
        .pf(QatFamily.GEN4_4XXX, "0000:6b:00.0")
        .vfs(1)
        .services("dc")
        .noIommu()
        .firstGroup(4)
        .start(VfStart.VFIO_PCI)
        .create();

    Vf vf = all(fx.scanner().scan()).get(0);

    assertEquals(new VfioGroup(5, true), vf.group());
    assertEquals("/dev/vfio/noiommu-5", vf.group().devicePath());
    assertEquals(Health.HEALTHY, vf.health());
  }

  @Test
  void dropsAVfWhoseSysfsEntryVanishedAndKeepsTheOthers() throws Exception {
    fx.node
        .pf(QatFamily.GEN4_4XXX, "0000:6b:00.0")
        .vfs(3)
        .services("dc")
        .firstGroup(1)
        .start(VfStart.VFIO_PCI)
        .create();
    SysfsScanner scanner = fx.scanner();
    scanner.scan();

    fx.node.removeDevice(pci("0000:6b:00.2"));

    assertEquals(
        List.of(
            vf("0000:6b:00.1", "0000:6b:00.0", 0, "dc", 2, 0),
            vf("0000:6b:00.3", "0000:6b:00.0", 2, "dc", 4, 0)),
        all(scanner.scan()));
    assertEquals(List.of(), fx.log.lines(org.slf4j.event.Level.WARN));
  }

  @Test
  void seesVfsComeBackAfterSriovNumVfsWasResetThroughTheKernel() throws Exception {
    fx.node
        .pf(QatFamily.GEN4_4XXX, "0000:6b:00.0")
        .vfs(2)
        .services("dc")
        .firstGroup(1)
        .start(VfStart.VFIO_PCI)
        .create();
    SysfsScanner scanner = fx.scanner();
    scanner.scan();
    Path numVfs = fx.node.sysfsRoot().resolve("bus/pci/devices/0000:6b:00.0/sriov_numvfs");

    fx.kernel.write(numVfs, "0");
    assertEquals(List.of(), all(scanner.scan()));
    fx.kernel.write(numVfs, "2");

    assertEquals(
        List.of(
            vf("0000:6b:00.1", "0000:6b:00.0", 0, "dc", 2, 0),
            vf("0000:6b:00.2", "0000:6b:00.0", 1, "dc", 3, 0)),
        all(scanner.scan()));
  }

  @Test
  void returnsAnEmptySnapshotAndLogsWhenSysfsIsMissing() throws Exception {
    ScanConfig config =
        ScanConfig.defaults(
            root.resolve("no-sys"), root.resolve("no-dev"), root.resolve("no-debug"));

    assertEquals(Map.of(), fx.scanner(config).scan().byResource());
    assertEquals(
        List.of(
            "tried to list "
                + root.resolve("no-sys/bus/pci/devices")
                + ", but "
                + root.resolve("no-sys/bus/pci/devices")
                + ": NoSuchFileException: advertising no VFs (is /sys mounted into the plugin?)"),
        fx.log.lines(org.slf4j.event.Level.WARN));
  }

  @Test
  void familiesEnabledAreExactlyThoseOfTheDefaultDrivers() {
    assertEquals(
        Set.of(
            QatFamily.GEN4_4XXX, QatFamily.GEN4_401XX, QatFamily.GEN4_402XX, QatFamily.GEN4_420XX),
        fx.node.scanConfig().families());
  }
}
