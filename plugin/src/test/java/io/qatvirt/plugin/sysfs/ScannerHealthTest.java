package io.qatvirt.plugin.sysfs;

import static io.qatvirt.plugin.sysfs.Fixture.all;
import static io.qatvirt.plugin.sysfs.Fixture.pci;
import static io.qatvirt.plugin.sysfs.Fixture.vf;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qatvirt.plugin.device.DeviceSnapshot;
import io.qatvirt.plugin.device.Health;
import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.device.Vf;
import io.qatvirt.plugin.sim.VfStart;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

class ScannerHealthTest {

  @TempDir Path root;
  Fixture fx;

  @BeforeEach
  void node() throws Exception {
    fx = new Fixture(root);
    fx.node
        .pf(QatFamily.GEN4_4XXX, "0000:3d:00.0")
        .vfs(2)
        .services("dc")
        .firstGroup(10)
        .start(VfStart.VFIO_PCI)
        .create();
    fx.node
        .pf(QatFamily.GEN4_4XXX, "0000:6b:00.0")
        .vfs(1)
        .services("dc")
        .firstGroup(20)
        .start(VfStart.VFIO_PCI)
        .create();
  }

  private static Vf unhealthy(Vf vf, String reason) {
    return vf.withHealth(Health.UNHEALTHY, reason);
  }

  @Test
  void marksAVfWhoseVfioNodeIsMissingUnhealthy() throws Exception {
    SysfsScanner scanner = fx.scanner();
    scanner.scan();

    fx.node.removeVfioNode(pci("0000:3d:00.2"));

    assertEquals(
        List.of(
            vf("0000:3d:00.1", "0000:3d:00.0", 0, "dc", 11, 0),
            unhealthy(
                vf("0000:3d:00.2", "0000:3d:00.0", 1, "dc", 12, 0),
                "its VFIO node /dev/vfio/12 is missing: is /dev mounted into the plugin, and did"
                    + " vfio-pci create it?"),
            vf("0000:6b:00.1", "0000:6b:00.0", 0, "dc", 21, 0)),
        all(scanner.scan()));
  }

  @Test
  void marksEveryVfOfAPfThatFailedItsHeartbeatUnhealthy() throws Exception {
    fx.node.setHeartbeat(pci("0000:3d:00.0"), -1);
    String reason =
        "its PF 0000:3d:00.0 failed its heartbeat ("
            + fx.node.debugfsRoot().resolve("qat_4xxx_0000:3d:00.0/heartbeat/status")
            + " reads -1): the QAT device needs a reset; check dmesg and qat/auto_reset";

    assertEquals(
        List.of(
            unhealthy(vf("0000:3d:00.1", "0000:3d:00.0", 0, "dc", 11, 0), reason),
            unhealthy(vf("0000:3d:00.2", "0000:3d:00.0", 1, "dc", 12, 0), reason),
            vf("0000:6b:00.1", "0000:6b:00.0", 0, "dc", 21, 0)),
        all(fx.scanner().scan()));
  }

  @Test
  void recoversWhenTheHeartbeatDoes() throws Exception {
    SysfsScanner scanner = fx.scanner();
    fx.node.setHeartbeat(pci("0000:6b:00.0"), -1);
    assertEquals(Health.UNHEALTHY, scanner.scan().vfs("qat.intel.com/dc").get(2).health());

    fx.node.setHeartbeat(pci("0000:6b:00.0"), 0);

    assertEquals(
        List.of(Health.HEALTHY, Health.HEALTHY, Health.HEALTHY),
        scanner.scan().vfs("qat.intel.com/dc").stream().map(Vf::health).toList());
  }

  @Test
  void advertisesTheVfsOfAPfWhoseStateIsDownAsUnhealthyGeneric() throws Exception {
    fx.node.setQatState(pci("0000:6b:00.0"), "down");
    SysfsScanner scanner = fx.scanner();

    DeviceSnapshot snapshot = scanner.scan();
    scanner.scan();

    assertEquals(
        Map.of(
            "qat.intel.com/dc",
            List.of(
                vf("0000:3d:00.1", "0000:3d:00.0", 0, "dc", 11, 0),
                vf("0000:3d:00.2", "0000:3d:00.0", 1, "dc", 12, 0)),
            "qat.intel.com/generic",
            List.of(
                unhealthy(
                    vf("0000:6b:00.1", "0000:6b:00.0", 0, "generic", 21, 0),
                    "its PF 0000:6b:00.0 reports qat/state 'down': the QAT device is stopped or"
                        + " failed; check dmesg, then bring it up (echo up > qat/state) or enable"
                        + " qat/auto_reset"))),
        snapshot.byResource());
    assertEquals(
        List.of(
            "tried to name the resource of the VFs of PF 0000:6b:00.0 after its services, but"
                + " qat/state reads 'down', not 'up': advertising them as qat.intel.com/generic",
            "VF 0000:6b:00.1 is unhealthy: its PF 0000:6b:00.0 reports qat/state 'down': the QAT"
                + " device is stopped or failed; check dmesg, then bring it up (echo up >"
                + " qat/state) or enable qat/auto_reset"),
        fx.log.lines(Level.WARN));
  }

  @Test
  void bringsAPfBackUpThroughTheKernelAndAdvertisesItsServicesAgain() throws Exception {
    Path state = fx.node.sysfsRoot().resolve("bus/pci/devices/0000:6b:00.0/qat/state");
    Path services = fx.node.sysfsRoot().resolve("bus/pci/devices/0000:6b:00.0/qat/cfg_services");
    SysfsScanner scanner = fx.scanner();

    fx.kernel.write(state, "down");
    fx.kernel.write(services, "sym;asym");
    fx.kernel.write(state, "up");

    assertEquals(
        List.of(vf("0000:6b:00.1", "0000:6b:00.0", 0, "cy", 21, 0)),
        scanner.scan().vfs("qat.intel.com/cy"));
  }

  @Test
  void logsAnUnhealthyVfOnceWhileItStaysUnhealthy() throws Exception {
    SysfsScanner scanner = fx.scanner();
    fx.node.removeVfioNode(pci("0000:6b:00.1"));

    scanner.scan();
    scanner.scan();
    scanner.scan();

    assertEquals(
        List.of(
            "VF 0000:6b:00.1 is unhealthy: its VFIO node /dev/vfio/21 is missing: is /dev mounted"
                + " into the plugin, and did vfio-pci create it?"),
        fx.log.lines(Level.WARN));
  }
}
