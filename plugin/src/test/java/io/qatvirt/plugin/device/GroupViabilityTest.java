package io.qatvirt.plugin.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GroupViabilityTest {

  private static final PciAddress VF = PciAddress.parse("0000:6b:00.1").orElseThrow();
  private static final VfioGroup GROUP = new VfioGroup(41, false);
  private static final GroupMember SELF =
      new GroupMember("0000:6b:00.1", Optional.of("vfio-pci"), false);

  private static GroupMember on(String name, String driver) {
    return new GroupMember(name, Optional.of(driver), false);
  }

  private static Optional<String> problem(GroupMember... members) {
    return GroupViability.problem(VF, GROUP, List.of(members));
  }

  @Test
  void passesAVfAloneInItsGroup() {
    assertEquals(Optional.empty(), problem(SELF));
  }

  @Test
  void passesAGroupWhoseOtherDevicesAreOnVfioDriversOrPciStub() {
    assertEquals(
        Optional.empty(),
        problem(
            SELF,
            on("0000:6b:00.2", "vfio-pci"),
            on("0000:6b:00.3", "qat_vfio_pci"),
            on("0000:6b:00.4", "pci-stub")));
  }

  @Test
  void passesAGroupWithABridge() {
    assertEquals(
        Optional.empty(),
        problem(SELF, new GroupMember("0000:00:1c.0", Optional.of("pcieport"), true)));
  }

  @Test
  void passesAGroupWithADriverlessDevice() {
    assertEquals(
        Optional.empty(), problem(SELF, new GroupMember("0000:00:19.0", Optional.empty(), false)));
  }

  @Test
  void refusesAGroupWithADeviceOnAnotherDriverNamingItAndEveryMember() {
    assertEquals(
        Optional.of(
            "its IOMMU group 41 also holds 0000:00:19.0 on e1000e, and VFIO passes a group"
                + " through only whole, with every device in it on vfio-pci, pci-stub or no driver"
                + " (bridges aside); the group's devices: 0000:00:19.0 (e1000e), 0000:00:1c.0"
                + " (pcieport, bridge), 0000:6b:00.1 (vfio-pci); unbind 0000:00:19.0 or bind it to"
                + " vfio-pci to serve the VF"),
        problem(
            SELF,
            new GroupMember("0000:00:1c.0", Optional.of("pcieport"), true),
            on("0000:00:19.0", "e1000e")));
  }

  @Test
  void namesEveryDeviceInTheWay() {
    assertEquals(
        Optional.of(
            "its IOMMU group 41 also holds 0000:6b:00.0 on 4xxx, 0000:6b:00.2 on 4xxxvf, and VFIO"
                + " passes a group through only whole, with every device in it on vfio-pci,"
                + " pci-stub or no driver (bridges aside); the group's devices: 0000:6b:00.0"
                + " (4xxx), 0000:6b:00.1 (vfio-pci), 0000:6b:00.2 (4xxxvf); unbind 0000:6b:00.0,"
                + " 0000:6b:00.2 or bind them to vfio-pci to serve the VF"),
        problem(on("0000:6b:00.2", "4xxxvf"), SELF, on("0000:6b:00.0", "4xxx")));
  }

  @Test
  void leavesTheVfsOwnDriverToTheScanner() {
    assertEquals(Optional.empty(), problem(on("0000:6b:00.1", "4xxxvf")));
  }
}
