package io.qatvirt.plugin.sysfs;

import static io.qatvirt.plugin.sysfs.Fixture.all;
import static io.qatvirt.plugin.sysfs.Fixture.pci;
import static io.qatvirt.plugin.sysfs.Fixture.vf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qatvirt.plugin.device.Health;
import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.device.Vf;
import io.qatvirt.plugin.device.VfioGroup;
import io.qatvirt.plugin.sim.VfStart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

class ScannerBindingTest {

  private static final String NO_DRIVER_REASON =
      "tried to bind 0000:3d:01.0 to vfio-pci, but no driver accepted it: is vfio-pci loaded?"
          + " pre-Gen4 QAT VFs need vfio-pci disable_denylist=1";

  @TempDir Path root;
  Fixture fx;

  @BeforeEach
  void node() throws Exception {
    fx = new Fixture(root);
  }

  private List<String> writes() {
    String sys = fx.node.sysfsRoot().toString();
    return fx.kernel.writes().stream()
        .map(
            w ->
                w.attribute().toString().replace(sys, "")
                    + " <- "
                    + w.value()
                    + (w.succeeded() ? "" : " FAILED"))
        .toList();
  }

  private ScanConfig c6xx() {
    return fx.node.scanConfig().withFamilies(EnumSet.of(QatFamily.C62X));
  }

  @Test
  void bindsAnUnboundVfToVfioPciAndAdvertisesIt() throws Exception {
    fx.node
        .pf(QatFamily.GEN4_4XXX, "0000:6b:00.0")
        .vfs(1)
        .services("dc")
        .firstGroup(1)
        .start(VfStart.UNBOUND)
        .create();

    List<Vf> vfs = all(fx.scanner().scan());

    assertEquals(List.of(vf("0000:6b:00.1", "0000:6b:00.0", 0, "dc", 2, 0)), vfs);
    assertEquals(
        List.of(
            "/bus/pci/devices/0000:6b:00.1/driver_override <- vfio-pci",
            "/bus/pci/drivers_probe <- 0000:6b:00.1"),
        writes());
    assertEquals(Optional.of("vfio-pci"), fx.node.driver(pci("0000:6b:00.1")));
    assertTrue(Files.exists(fx.node.devRoot().resolve("vfio/2")));
    assertEquals(List.of("bound 0000:6b:00.1"), fx.events.events);
  }

  @Test
  void rebindsAVfFromItsKernelDriver() throws Exception {
    fx.node.setVfioPciDisableDenylist(true);
    fx.node
        .pf(QatFamily.C62X, "0000:3d:00.0")
        .vfs(1)
        .firstGroup(1)
        .start(VfStart.KERNEL_DRIVER)
        .create();
    assertEquals(Optional.of("c6xxvf"), fx.node.driver(pci("0000:3d:01.0")));

    List<Vf> vfs = all(fx.scanner(c6xx()).scan());

    assertEquals(List.of(vf("0000:3d:01.0", "0000:3d:00.0", 0, "generic", 2, 0)), vfs);
    assertEquals(
        List.of(
            "/bus/pci/devices/0000:3d:01.0/driver_override <- vfio-pci",
            "/bus/pci/devices/0000:3d:01.0/driver/unbind <- 0000:3d:01.0",
            "/bus/pci/drivers_probe <- 0000:3d:01.0"),
        writes());
    assertEquals(List.of("bound 0000:3d:01.0"), fx.events.events);
  }

  @Test
  void dropsAVfThatVanishesWhileBeingBoundWithoutCallingItABindFailure() throws Exception {
    fx.node
        .pf(QatFamily.GEN4_4XXX, "0000:6b:00.0")
        .vfs(2)
        .services("dc")
        .firstGroup(1)
        .start(VfStart.UNBOUND)
        .create();
    PciAddress leaving = pci("0000:6b:00.1");
    // sriov_numvfs=0 racing the scan: the VF's directory goes just as drivers_probe is written
    SysfsWriter racingRemoval =
        (attribute, value) -> {
          if (attribute.endsWith("drivers_probe") && value.equals(leaving.toString())) {
            fx.node.removeDevice(leaving);
            throw new IOException("No such device");
          }
          fx.kernel.write(attribute, value);
        };
    VfioBinder binder =
        new VfioBinder(
            fx.node.sysfsRoot(),
            fx.node.devRoot(),
            racingRemoval,
            Duration.ofMillis(100),
            Duration.ofMillis(5));
    SysfsScanner scanner =
        new SysfsScanner(fx.node.scanConfig(), binder, fx.events, () -> fx.now, fx.log);

    List<Vf> vfs = all(scanner.scan());

    assertEquals(List.of(vf("0000:6b:00.2", "0000:6b:00.0", 1, "dc", 3, 0)), vfs);
    assertEquals(List.of("bound 0000:6b:00.2"), fx.events.events);
  }

  @Test
  void neverWritesToAVfAlreadyOnVfioPci() throws Exception {
    fx.node
        .pf(QatFamily.GEN4_4XXX, "0000:6b:00.0")
        .vfs(2)
        .services("dc")
        .start(VfStart.VFIO_PCI)
        .create();
    SysfsScanner scanner = fx.scanner();

    scanner.scan();
    scanner.scan();

    assertEquals(List.of(), writes());
    assertEquals(List.of(), fx.events.events);
  }

  @Test
  void marksAVfUnhealthyWithAClearReasonWhenNoDriverAcceptsItAndKeepsTheOthers() throws Exception {
    // vfio-pci's denylist (the default) refuses pre-Gen4 QAT VFs
    fx.node
        .pf(QatFamily.C62X, "0000:3d:00.0")
        .vfs(2)
        .firstGroup(1)
        .start(1, VfStart.VFIO_PCI)
        .create();

    List<Vf> vfs = all(fx.scanner(c6xx()).scan());

    assertEquals(
        List.of(
            new Vf(
                pci("0000:3d:01.0"),
                Optional.of(pci("0000:3d:00.0")),
                0,
                "generic",
                new VfioGroup(2, false),
                0,
                Optional.empty(),
                Health.UNHEALTHY,
                NO_DRIVER_REASON),
            vf("0000:3d:01.1", "0000:3d:00.0", 1, "generic", 3, 0)),
        vfs);
    assertEquals(List.of("failed 0000:3d:01.0: " + NO_DRIVER_REASON), fx.events.events);
    assertTrue(fx.log.lines(Level.WARN).contains(NO_DRIVER_REASON));
    assertEquals("vfio-pci", fx.node.driverOverride(pci("0000:3d:01.0")));
  }

  @Test
  void advertisesAVfLeftUnboundByAFailedBindOnceVfioPciIsLoaded() throws Exception {
    fx.node.setVfioPciLoaded(false);
    fx.node.pf(QatFamily.GEN4_4XXX, "0000:6b:00.0").vfs(1).services("dc").firstGroup(1).create();
    SysfsScanner scanner = fx.scanner();
    assertEquals(Health.UNHEALTHY, all(scanner.scan()).get(0).health());

    fx.node.setVfioPciLoaded(true); // modprobe vfio-pci binds devices whose override names it

    assertEquals(List.of(vf("0000:6b:00.1", "0000:6b:00.0", 0, "dc", 2, 0)), all(scanner.scan()));
  }

  @Test
  void retriesAFailedBindOnlyAfterTheBackOffThenSucceedsOnceTheAdminFixedIt() throws Exception {
    fx.node.pf(QatFamily.C62X, "0000:3d:00.0").vfs(1).firstGroup(1).start(VfStart.UNBOUND).create();
    SysfsScanner scanner = fx.scanner(c6xx());
    scanner.scan();
    int writesAfterFirst = writes().size();

    fx.now += SysfsScanner.BIND_RETRY_AFTER.toNanos() - 1;
    Vf stillBroken = all(scanner.scan()).get(0);
    assertEquals(writesAfterFirst, writes().size());
    assertEquals(NO_DRIVER_REASON, stillBroken.healthReason());

    fx.now += 1;
    scanner.scan(); // retried, failed again: counted, not logged again
    assertEquals(2 * writesAfterFirst, writes().size());

    fx.node.setVfioPciDisableDenylist(true);
    fx.now += SysfsScanner.BIND_RETRY_AFTER.toNanos();
    List<Vf> vfs = all(scanner.scan());

    assertEquals(List.of(vf("0000:3d:01.0", "0000:3d:00.0", 0, "generic", 2, 0)), vfs);
    assertEquals(
        List.of(
            "failed 0000:3d:01.0: " + NO_DRIVER_REASON,
            "failed 0000:3d:01.0: " + NO_DRIVER_REASON,
            "bound 0000:3d:01.0"),
        fx.events.events);
    assertEquals(1, fx.log.lines(Level.WARN).stream().filter(NO_DRIVER_REASON::equals).count());
  }

  @Test
  void reportsVfioPciNotLoaded() throws Exception {
    fx.node.setVfioPciLoaded(false);
    fx.node.pf(QatFamily.GEN4_4XXX, "0000:6b:00.0").vfs(1).services("dc").create();

    Vf vf = all(fx.scanner().scan()).get(0);

    assertEquals(Health.UNHEALTHY, vf.health());
    assertEquals(
        "tried to bind 0000:6b:00.1 to vfio-pci, but no driver accepted it: is vfio-pci loaded?"
            + " pre-Gen4 QAT VFs need vfio-pci disable_denylist=1",
        vf.healthReason());
  }

  @Test
  void withNoBindAdvertisesOnlyVfsAlreadyOnVfioPciAndWritesNothing() throws Exception {
    fx.node
        .pf(QatFamily.GEN4_4XXX, "0000:6b:00.0")
        .vfs(3)
        .services("dc")
        .firstGroup(1)
        .start(VfStart.UNBOUND)
        .start(1, VfStart.VFIO_PCI)
        .create();
    SysfsScanner scanner = fx.scanner(fx.node.scanConfig().withBind(false));

    List<Vf> vfs = all(scanner.scan());
    scanner.scan();

    assertEquals(List.of(vf("0000:6b:00.2", "0000:6b:00.0", 1, "dc", 3, 0)), vfs);
    assertEquals(List.of(), writes());
    assertEquals(
        List.of(
            "found VF 0000:6b:00.1 on no driver, not vfio-pci, and binding is off (--no-bind): leaving it out",
            "found VF 0000:6b:00.3 on no driver, not vfio-pci, and binding is off (--no-bind): leaving it out"),
        fx.log.lines(Level.INFO).stream().sorted().toList());
  }
}
