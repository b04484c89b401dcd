package io.qatvirt.plugin.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.QatFamily;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes act as on Linux, with the kernel's errors. */
class SimulatedKernelTest {

  @TempDir Path root;
  SimulatedNode node;
  SimulatedKernel kernel;
  Path sys;
  final PciAddress vf = pci("0000:6b:00.1");

  @BeforeEach
  void node() throws Exception {
    node = SimulatedNode.create(root);
    kernel = node.kernel();
    sys = node.sysfsRoot();
    node.pf(QatFamily.GEN4_4XXX, "0000:6b:00.0")
        .vfs(2)
        .firstGroup(1)
        .start(VfStart.UNBOUND)
        .create();
  }

  private static PciAddress pci(String text) {
    return PciAddress.parse(text).orElseThrow();
  }

  private Path dev(String address, String attribute) {
    return sys.resolve("bus/pci/devices/" + address + "/" + attribute);
  }

  private String errorOf(Path file, String value) {
    return assertThrows(IOException.class, () -> kernel.write(file, value)).getMessage();
  }

  @Test
  void storesDriverOverrideWithOrWithoutANewline() throws Exception {
    kernel.write(dev("0000:6b:00.1", "driver_override"), "vfio-pci");
    kernel.write(dev("0000:6b:00.2", "driver_override"), "vfio-pci\n");

    assertEquals("vfio-pci", node.driverOverride(vf));
    assertEquals("vfio-pci", node.driverOverride(pci("0000:6b:00.2")));

    kernel.write(dev("0000:6b:00.2", "driver_override"), "\n");
    assertEquals("(null)", node.driverOverride(pci("0000:6b:00.2")));
  }

  @Test
  void probesAnOverriddenDeviceOntoVfioPciAndCreatesItsNode() throws Exception {
    kernel.write(dev("0000:6b:00.1", "driver_override"), "vfio-pci");
    kernel.write(sys.resolve("bus/pci/drivers_probe"), "0000:6b:00.1");

    assertEquals(Optional.of("vfio-pci"), node.driver(vf));
    assertTrue(Files.exists(node.devRoot().resolve("vfio/2")));
    assertEquals(
        List.of(
            new SimulatedKernel.Write(dev("0000:6b:00.1", "driver_override"), "vfio-pci", true),
            new SimulatedKernel.Write(sys.resolve("bus/pci/drivers_probe"), "0000:6b:00.1", true)),
        kernel.writes());
  }

  @Test
  void unbindsThroughTheDriverLinkAndDropsTheNode() throws Exception {
    kernel.write(dev("0000:6b:00.1", "driver_override"), "vfio-pci");
    kernel.write(sys.resolve("bus/pci/drivers_probe"), "0000:6b:00.1");

    kernel.write(dev("0000:6b:00.1", "driver/unbind"), "0000:6b:00.1");

    assertEquals(Optional.empty(), node.driver(vf));
    assertFalse(
        Files.exists(
            sys.resolve("bus/pci/drivers/vfio-pci/0000:6b:00.1"),
            java.nio.file.LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(node.devRoot().resolve("vfio/2")));
  }

  @Test
  void probingABoundDeviceChangesNothing() throws Exception {
    node.bind(vf, "vfio-pci");

    kernel.write(sys.resolve("bus/pci/drivers_probe"), "0000:6b:00.1");

    assertEquals(Optional.of("vfio-pci"), node.driver(vf));
  }

  @Test
  void answersEnodevForAnAddressThatNamesNoDevice() {
    assertEquals("No such device", errorOf(sys.resolve("bus/pci/drivers_probe"), "garbage"));
    assertEquals("No such device", errorOf(sys.resolve("bus/pci/drivers_probe"), "0000:6b:00.7"));
    assertEquals("No such device", errorOf(sys.resolve("bus/pci/drivers/vfio-pci/unbind"), "x"));
    assertEquals(
        "No such device", errorOf(sys.resolve("bus/pci/drivers/vfio-pci/bind"), "6b:00.1; rm"));
  }

  @Test
  void leavesTheDeviceUnboundWithoutAnErrorWhenVfioPciIsNotLoaded() throws Exception {
    node.setVfioPciLoaded(false);
    kernel.write(dev("0000:6b:00.1", "driver_override"), "vfio-pci");

    kernel.write(sys.resolve("bus/pci/drivers_probe"), "0000:6b:00.1");

    assertEquals(Optional.empty(), node.driver(vf));
  }

  @Test
  void bindsDevicesWhoseOverrideNamesVfioPciWhenItIsLoaded() throws Exception {
    node.setVfioPciLoaded(false);
    kernel.write(dev("0000:6b:00.1", "driver_override"), "vfio-pci");

    node.setVfioPciLoaded(true);

    assertEquals(Optional.of("vfio-pci"), node.driver(vf));
    assertEquals(Optional.empty(), node.driver(pci("0000:6b:00.2")));
    assertTrue(Files.exists(node.devRoot().resolve("vfio/2")));
  }

  @Test
  void leavesAGen4VfWithoutOverrideUnboundWhenProbed() throws Exception {
    kernel.write(sys.resolve("bus/pci/drivers_probe"), "0000:6b:00.1");

    assertEquals(Optional.empty(), node.driver(vf));
  }

  @Test
  void refusesPreGen4QatVfsOnVfioPciUnlessTheDenylistIsDisabled() throws Exception {
    SimulatedPf pf = node.pf(QatFamily.C62X, "0000:3d:00.0").vfs(1).create();
    kernel.write(dev("0000:3d:01.0", "driver_override"), "vfio-pci");
    kernel.write(dev("0000:3d:01.0", "driver/unbind"), "0000:3d:01.0");

    kernel.write(sys.resolve("bus/pci/drivers_probe"), "0000:3d:01.0");
    assertEquals(Optional.empty(), node.driver(pf.vf(0)));
    assertEquals(
        "Invalid argument", errorOf(sys.resolve("bus/pci/drivers/vfio-pci/bind"), "0000:3d:01.0"));

    node.setVfioPciDisableDenylist(true);
    kernel.write(sys.resolve("bus/pci/drivers_probe"), "0000:3d:01.0");
    assertEquals(Optional.of("vfio-pci"), node.driver(pf.vf(0)));
  }

  @Test
  void bindsThroughADriversBindFileOnlyWhenTheDriverMatches() throws Exception {
    assertEquals(
        "No such device", errorOf(sys.resolve("bus/pci/drivers/vfio-pci/bind"), "0000:6b:00.1"));

    kernel.write(sys.resolve("bus/pci/drivers/vfio-pci/new_id"), "8086 4941");

    // new_id binds every unbound device it matches at once
    assertEquals(Optional.of("vfio-pci"), node.driver(vf));
    assertEquals(Optional.of("vfio-pci"), node.driver(pci("0000:6b:00.2")));
    assertEquals(
        "File exists", errorOf(sys.resolve("bus/pci/drivers/vfio-pci/new_id"), "8086 4941"));
    assertEquals(
        "Device or resource busy",
        errorOf(sys.resolve("bus/pci/drivers/vfio-pci/bind"), "0000:6b:00.1"));
  }

  @Test
  void removesAllVfsWhenSriovNumVfsGoesToZero() throws Exception {
    node.bind(vf, "vfio-pci");

    kernel.write(dev("0000:6b:00.0", "sriov_numvfs"), "0");

    assertEquals(List.of(), node.vfs(pci("0000:6b:00.0")));
    assertFalse(
        Files.exists(
            sys.resolve("bus/pci/devices/0000:6b:00.1"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(sys.resolve("devices/pci0000:00/0000:00:01.0/0000:6b:00.1")));
    assertFalse(Files.exists(node.devRoot().resolve("vfio/2")));
    assertFalse(
        Files.exists(dev("0000:6b:00.0", "virtfn0"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    assertEquals("0\n", Files.readString(dev("0000:6b:00.0", "sriov_numvfs")));
  }

  @Test
  void createsVfsAgainAndProbesThemWithTheirKernelDriver() throws Exception {
    SimulatedPf c6xx = node.pf(QatFamily.C62X, "0000:3d:00.0").vfs(1).create();
    kernel.write(dev("0000:3d:00.0", "sriov_numvfs"), "0");

    kernel.write(dev("0000:3d:00.0", "sriov_numvfs"), "3\n");
    kernel.write(dev("0000:6b:00.0", "sriov_numvfs"), "0");
    kernel.write(dev("0000:6b:00.0", "sriov_drivers_autoprobe"), "0");
    kernel.write(dev("0000:6b:00.0", "sriov_numvfs"), "1");

    assertEquals(
        List.of(pci("0000:3d:01.0"), pci("0000:3d:01.1"), pci("0000:3d:01.2")),
        node.vfs(c6xx.address()));
    assertEquals(Optional.of("c6xxvf"), node.driver(pci("0000:3d:01.2")));
    assertEquals(
        "../0000:3d:01.2", Files.readSymbolicLink(dev("0000:3d:00.0", "virtfn2")).toString());
    assertEquals(Optional.empty(), node.driver(vf));
  }

  @Test
  void refusesSriovNumVfsChangesTheKernelRefuses() throws Exception {
    assertEquals("Device or resource busy", errorOf(dev("0000:6b:00.0", "sriov_numvfs"), "3"));
    assertEquals(
        "Numerical result out of range", errorOf(dev("0000:6b:00.0", "sriov_numvfs"), "17"));
    assertEquals("Invalid argument", errorOf(dev("0000:6b:00.0", "sriov_numvfs"), "many"));
  }

  @Test
  void changesQatServicesOnlyWhileThePfIsDown() throws Exception {
    Path state = dev("0000:6b:00.0", "qat/state");
    Path services = dev("0000:6b:00.0", "qat/cfg_services");

    assertEquals("Invalid argument", errorOf(services, "dc"));
    assertEquals("Invalid argument", errorOf(state, "up"));
    kernel.write(state, "down");
    assertEquals("Invalid argument", errorOf(services, "dc;bogus"));
    kernel.write(services, "dc");
    kernel.write(state, "up");

    assertEquals("dc\n", Files.readString(services));
    assertEquals("up\n", Files.readString(state));
  }

  @Test
  void refusesReadOnlyAndMissingAttributes() {
    assertThrows(
        AccessDeniedException.class, () -> kernel.write(dev("0000:6b:00.1", "vendor"), "0x1234"));
    assertThrows(
        NoSuchFileException.class, () -> kernel.write(dev("0000:6b:00.1", "nonexistent"), "1"));
    assertThrows(
        NoSuchFileException.class,
        () -> kernel.write(dev("0000:6b:00.7", "driver_override"), "vfio-pci"));
    assertEquals(false, kernel.writes().get(0).succeeded());
  }
}
