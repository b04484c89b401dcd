package io.qatvirt.plugin.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qatvirt.plugin.device.DeviceSnapshot;
import io.qatvirt.plugin.device.Health;
import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.device.Vf;
import io.qatvirt.plugin.device.VfioGroup;
import io.qatvirt.plugin.sim.SimulatedKernel;
import io.qatvirt.plugin.sim.SimulatedNode;
import io.qatvirt.plugin.sim.SimulatedPf;
import io.qatvirt.plugin.sim.VfStart;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SysfsScannerTest {

  @TempDir Path root;

  private static PciAddress pci(String text) {
    return PciAddress.parse(text).orElseThrow();
  }

  @Test
  void advertisesGen4VfsAlreadyOnVfioPciUnderTheirServiceName() throws Exception {
    SimulatedNode node = SimulatedNode.create(root);
    SimulatedPf pf =
        node.pf(QatFamily.GEN4_4XXX, "0000:6b:00.0")
            .vfs(2)
            .services("sym;asym")
            .numaNode(1)
            .firstGroup(40)
            .start(VfStart.VFIO_PCI)
            .create();
    SimulatedKernel kernel = node.kernel();
    SysfsScanner scanner =
        new SysfsScanner(
            node.scanConfig(),
            new VfioBinder(node.sysfsRoot(), node.devRoot(), kernel),
            BindEvents.NONE);

    DeviceSnapshot snapshot = scanner.scan();

    assertEquals(
        List.of(
            new Vf(
                pci("0000:6b:00.1"),
                Optional.of(pf.address()),
                0,
                "cy",
                new VfioGroup(41, false),
                1,
                Optional.of("vfio-pci"),
                Health.HEALTHY,
                ""),
            new Vf(
                pci("0000:6b:00.2"),
                Optional.of(pf.address()),
                1,
                "cy",
                new VfioGroup(42, false),
                1,
                Optional.of("vfio-pci"),
                Health.HEALTHY,
                "")),
        snapshot.vfs("qat.intel.com/cy"));
    assertEquals(List.of("qat.intel.com/cy"), List.copyOf(snapshot.byResource().keySet()));
    assertEquals(List.of(), kernel.writes());
  }

  @Test
  void bindsUnboundVfs() throws Exception {
    SimulatedNode node = SimulatedNode.create(root);
    node.pf(QatFamily.GEN4_4XXX, "0000:6b:00.0").vfs(2).services("dc").create();
    SimulatedKernel kernel = node.kernel();
    SysfsScanner scanner =
        new SysfsScanner(
            node.scanConfig(),
            new VfioBinder(node.sysfsRoot(), node.devRoot(), kernel),
            BindEvents.NONE);

    DeviceSnapshot snapshot = scanner.scan();
    System.out.println(snapshot);
    System.out.println(kernel.writes());
  }
}
