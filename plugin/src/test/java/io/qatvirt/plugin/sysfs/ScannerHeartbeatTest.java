package io.qatvirt.plugin.sysfs;

import static io.qatvirt.plugin.sysfs.Fixture.all;
import static io.qatvirt.plugin.sysfs.Fixture.pci;
import static io.qatvirt.plugin.sysfs.Fixture.vf;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qatvirt.plugin.device.Health;
import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.device.Vf;
import io.qatvirt.plugin.sim.VfStart;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

/** A heartbeat that can't be read: logged once per PF, reported, and counted as the flag says. */
class ScannerHeartbeatTest {

  private static final String MISSING =
      "it does not exist (is debugfs mounted into the plugin, and is the kernel 6.6 or later?)";

  @TempDir Path root;
  Fixture fx;
  Path status;

  @BeforeEach
  void node() throws Exception {
    fx = new Fixture(root);
    fx.node
        .pf(QatFamily.GEN4_4XXX, "0000:3d:00.0")
        .vfs(1)
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
    status = fx.node.debugfsRoot().resolve("qat_4xxx_0000:6b:00.0/heartbeat/status");
  }

  private List<Vf> scan(Health unreadable) {
    return all(fx.scanner(fx.node.scanConfig().withHeartbeatUnreadable(unreadable)).scan());
  }

  @Test
  void countsTheVfsOfAPfWithAMissingHeartbeatHealthyByDefault() throws Exception {
    Files.delete(status);

    assertEquals(
        List.of(
            vf("0000:3d:00.1", "0000:3d:00.0", 0, "dc", 11, 0),
            vf("0000:6b:00.1", "0000:6b:00.0", 0, "dc", 21, 0)),
        all(fx.scanner().scan()));
    assertEquals(
        List.of(
            "tried to read the heartbeat of PF 0000:6b:00.0 at "
                + status
                + ", but "
                + MISSING
                + ": its VFs count as healthy (--heartbeat-unreadable=healthy)"),
        fx.log.lines(Level.WARN));
    assertEquals(
        List.of(Map.of(pci("0000:3d:00.0"), false, pci("0000:6b:00.0"), true)),
        fx.events.heartbeats);
  }

  @Test
  void countsThemUnhealthyWhenTheFlagSaysSo() throws Exception {
    Files.delete(status);

    assertEquals(
        List.of(
            vf("0000:3d:00.1", "0000:3d:00.0", 0, "dc", 11, 0),
            vf("0000:6b:00.1", "0000:6b:00.0", 0, "dc", 21, 0)
                .withHealth(
                    Health.UNHEALTHY,
                    "the heartbeat of its PF 0000:6b:00.0 can't be read ("
                        + status
                        + ": "
                        + MISSING
                        + ") and --heartbeat-unreadable=unhealthy")),
        scan(Health.UNHEALTHY));
    assertEquals(
        "tried to read the heartbeat of PF 0000:6b:00.0 at "
            + status
            + ", but "
            + MISSING
            + ": its VFs count as unhealthy (--heartbeat-unreadable=unhealthy)",
        fx.log.lines(Level.WARN).get(0));
  }

  @Test
  void treatsGarbageAsUnreadable() throws Exception {
    Files.writeString(status, "alive?\n");

    assertEquals(
        List.of(Health.HEALTHY, Health.UNHEALTHY),
        scan(Health.UNHEALTHY).stream().map(Vf::health).toList());
    assertEquals(
        List.of(Health.HEALTHY, Health.HEALTHY),
        scan(Health.HEALTHY).stream().map(Vf::health).toList());
    assertEquals(
        "tried to read the heartbeat of PF 0000:6b:00.0 at "
            + status
            + ", but it reads 'alive?', not 0 (alive) or -1 (failed): its VFs count as healthy"
            + " (--heartbeat-unreadable=healthy)",
        fx.log.lines(Level.WARN).get(2));
  }

  @Test
  void treatsAnErrorWhileReadingAsUnreadable() throws Exception {
    Files.delete(status);
    Files.createDirectory(status);

    assertEquals(
        "the heartbeat of its PF 0000:6b:00.0 can't be read ("
            + status
            + ": Is a directory) and --heartbeat-unreadable=unhealthy",
        scan(Health.UNHEALTHY).get(1).healthReason());
  }

  @Test
  void namesWhatToCheckWhenReadingIsDenied() {
    assertEquals(
        "reading it was denied (does the plugin run privileged, and does SELinux let it read"
            + " debugfs?)",
        PfReader.unreadableReason(new AccessDeniedException(status.toString())));
  }

  @Test
  void logsAnUnreadableHeartbeatOncePerPfWhileItStaysSoAndAgainWhenItReturns() throws Exception {
    SysfsScanner scanner = fx.scanner();
    Files.delete(status);
    scanner.scan();
    scanner.scan();
    fx.node.setHeartbeat(pci("0000:6b:00.0"), 0);
    scanner.scan();
    Files.delete(status);
    scanner.scan();

    String line =
        "tried to read the heartbeat of PF 0000:6b:00.0 at "
            + status
            + ", but "
            + MISSING
            + ": its VFs count as healthy (--heartbeat-unreadable=healthy)";
    assertEquals(List.of(line, line), fx.log.lines(Level.WARN));
    assertEquals(
        List.of(true, true, false, true),
        fx.events.heartbeats.stream().map(m -> m.get(pci("0000:6b:00.0"))).toList());
  }
}
