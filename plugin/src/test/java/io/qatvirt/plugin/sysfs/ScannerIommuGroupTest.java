package io.qatvirt.plugin.sysfs;

import static io.qatvirt.plugin.sysfs.Fixture.pci;
import static io.qatvirt.plugin.sysfs.Fixture.vf;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qatvirt.plugin.device.Health;
import io.qatvirt.plugin.device.PciId;
import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.device.Vf;
import io.qatvirt.plugin.sim.VfStart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

/** IOMMU group viability on a simulated node: a neighbour is put into VF 0000:6b:00.2's group. */
class ScannerIommuGroupTest {

  private static final PciId NIC = new PciId(0x8086, 0x10d3);
  private static final PciId ROOT_PORT = new PciId(0x8086, 0xa110);
  private static final String CY = "qat.intel.com/cy";

  @TempDir Path root;
  Fixture fx;

  @BeforeEach
  void node() throws Exception {
    fx = new Fixture(root);
    fx.node
        .pf(QatFamily.GEN4_4XXX, "0000:6b:00.0")
        .vfs(2)
        .firstGroup(40)
        .start(VfStart.VFIO_PCI)
        .create();
  }

  private Map<String, List<Vf>> bothServed() {
    return Map.of(
        CY,
        List.of(
            vf("0000:6b:00.1", "0000:6b:00.0", 0, "cy", 41, 0),
            vf("0000:6b:00.2", "0000:6b:00.0", 1, "cy", 42, 0)));
  }

  @Test
  void servesAVfAloneInItsGroup() {
    assertEquals(bothServed(), fx.scanner().scan().byResource());
    assertEquals(List.of(), fx.log.lines(Level.WARN));
  }

  @Test
  void servesAVfWhoseGroupAlsoHoldsAnotherFunctionOnVfioPci() throws Exception {
    fx.node.addFunction("0000:00:19.0", NIC, 0x020000, 42, Optional.of("vfio-pci"));

    assertEquals(bothServed(), fx.scanner().scan().byResource());
  }

  @Test
  void servesAVfWhoseGroupAlsoHoldsABridge() throws Exception {
    fx.node.addFunction("0000:00:1c.0", ROOT_PORT, 0x060400, 42, Optional.of("pcieport"));

    assertEquals(bothServed(), fx.scanner().scan().byResource());
  }

  @Test
  void servesAVfWhoseGroupAlsoHoldsADriverlessFunction() throws Exception {
    fx.node.addFunction("0000:00:19.0", NIC, 0x020000, 42, Optional.empty());

    assertEquals(bothServed(), fx.scanner().scan().byResource());
  }

  @Test
  void leavesOutAVfWhoseGroupHoldsAFunctionOnAnotherDriverAndLogsItOncePerChange()
      throws Exception {
    fx.node.addFunction("0000:00:1c.0", ROOT_PORT, 0x060400, 42, Optional.of("pcieport"));
    fx.node.addFunction("0000:00:19.0", NIC, 0x020000, 42, Optional.of("e1000e"));
    SysfsScanner scanner = fx.scanner();

    Map<String, List<Vf>> first = scanner.scan().byResource();
    scanner.scan();
    fx.node.unbind(pci("0000:00:19.0"));
    Map<String, List<Vf>> unbound = scanner.scan().byResource();
    fx.node.bind(pci("0000:00:19.0"), "e1000e");
    scanner.scan();

    assertEquals(Map.of(CY, List.of(vf("0000:6b:00.1", "0000:6b:00.0", 0, "cy", 41, 0))), first);
    assertEquals(bothServed(), unbound);
    String refusal =
        "tried to serve VF 0000:6b:00.2, but its IOMMU group 42 also holds 0000:00:19.0 on"
            + " e1000e, and VFIO passes a group through only whole, with every device in it on"
            + " vfio-pci, pci-stub or no driver (bridges aside); the group's devices:"
            + " 0000:00:19.0 (e1000e), 0000:00:1c.0 (pcieport, bridge), 0000:6b:00.2 (vfio-pci);"
            + " unbind 0000:00:19.0 or bind it to vfio-pci to serve the VF";
    assertEquals(List.of(refusal, refusal), fx.log.lines(Level.WARN));
  }

  @Test
  void marksAVfUnhealthyWhenItsGroupCannotBeListed() throws Exception {
    Path devices = fx.node.sysfsRoot().resolve("kernel/iommu_groups/42/devices");
    Files.delete(devices.resolve("0000:6b:00.2"));
    Files.delete(devices);
    Files.writeString(devices, "");

    assertEquals(
        Map.of(
            CY,
            List.of(
                vf("0000:6b:00.1", "0000:6b:00.0", 0, "cy", 41, 0),
                vf("0000:6b:00.2", "0000:6b:00.0", 1, "cy", 42, 0)
                    .withHealth(
                        Health.UNHEALTHY,
                        "tried to list the devices of its IOMMU group 42, but "
                            + devices
                            + ": NotDirectoryException"))),
        fx.scanner().scan().byResource());
  }
}
