package io.qatvirt.plugin.allocation;

import static io.qatvirt.plugin.allocation.TestVfs.threePfs;
import static io.qatvirt.plugin.allocation.TestVfs.vf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.qatvirt.plugin.allocation.AllocationException.Kind;
import io.qatvirt.plugin.device.Health;
import io.qatvirt.plugin.device.Vf;
import io.qatvirt.plugin.device.VfioGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AllocatorTest {
  private static final String GENERIC = "qat.intel.com/generic";

  @Test
  void allocatesTheVfioGroupOfEveryRequestedVf() {
    ContainerAllocation a =
        Allocator.allocate(GENERIC, threePfs(), List.of("0000:da:01.1", "0000:3d:01.2"));

    assertEquals(
        List.of(
            DeviceNode.readWrite("/dev/vfio/vfio"),
            DeviceNode.readWrite("/dev/vfio/31"),
            DeviceNode.readWrite("/dev/vfio/12")),
        a.devices());
  }

  @Test
  void setsKubeVirtsVariableInRequestOrderAndQatVariablesByAddress() {
    ContainerAllocation a =
        Allocator.allocate(
            "qat.intel.com/sym-dc", threePfs(), List.of("0000:da:01.1", "0000:3d:01.2"));

    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("PCI_RESOURCE_QAT_INTEL_COM_SYM-DC", "0000:da:01.1,0000:3d:01.2");
    expected.put("QAT0", "0000:3d:01.2");
    expected.put("QAT1", "0000:da:01.1");
    assertEquals(expected, a.envs());
    assertEquals(List.copyOf(expected.keySet()), List.copyOf(a.envs().keySet()));
  }

  @Test
  void namesASharedGroupOnlyOnceAndTheContainerNodeFirst() {
    List<Vf> vfs =
        List.of(vf("0000:3d:01.0", "0000:3d:00.0", 7, 0), vf("0000:3d:01.1", "0000:3d:00.0", 7, 0));

    ContainerAllocation a =
        Allocator.allocate(GENERIC, vfs, List.of("0000:3d:01.1", "0000:3d:01.0"));

    assertEquals(
        List.of(DeviceNode.readWrite("/dev/vfio/vfio"), DeviceNode.readWrite("/dev/vfio/7")),
        a.devices());
    assertEquals("0000:3d:01.1,0000:3d:01.0", a.envs().get("PCI_RESOURCE_QAT_INTEL_COM_GENERIC"));
  }

  @Test
  void usesTheNoIommuNodeInNoIommuMode() {
    Vf base = vf("0000:3d:01.0", "0000:3d:00.0", 3, 0);
    Vf noIommu =
        new Vf(
            base.address(),
            base.pf(),
            0,
            "generic",
            new VfioGroup(3, true),
            0,
            base.driver(),
            Health.HEALTHY,
            "");

    ContainerAllocation a = Allocator.allocate(GENERIC, List.of(noIommu), List.of("0000:3d:01.0"));

    assertEquals(
        List.of(
            DeviceNode.readWrite("/dev/vfio/vfio"), DeviceNode.readWrite("/dev/vfio/noiommu-3")),
        a.devices());
  }

  @Test
  void acceptsUpperCaseHexAndAnswersInTheKernelsSpelling() {
    ContainerAllocation a = Allocator.allocate(GENERIC, threePfs(), List.of("0000:DA:01.1"));

    assertEquals("0000:da:01.1", a.envs().get("PCI_RESOURCE_QAT_INTEL_COM_GENERIC"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"../../etc", "", "0000:3d:01.8", "3d:01.1", "0000:3d:01.1/../x", "0000:3d:20.1"})
  void refusesAMalformedIdNamingIt(String id) {
    AllocationException e =
        assertThrows(
            AllocationException.class,
            () -> Allocator.allocate(GENERIC, threePfs(), List.of("0000:3d:01.1", id)));

    assertEquals(Kind.INVALID, e.kind());
    assertEquals(
        "tried to allocate device \""
            + id
            + "\", but it is not a PCI address (expected dddd:bb:dd.f, e.g. 0000:3d:01.1)",
        e.getMessage());
  }

  @Test
  void escapesControlCharactersInTheMessage() {
    AllocationException e =
        assertThrows(
            AllocationException.class,
            () -> Allocator.allocate(GENERIC, threePfs(), List.of("a\nb")));

    assertEquals(
        "tried to allocate device \"a\\x0ab\", but it is not a PCI address (expected"
            + " dddd:bb:dd.f, e.g. 0000:3d:01.1)",
        e.getMessage());
  }

  @Test
  void refusesAnUnknownIdNamingIt() {
    AllocationException e =
        assertThrows(
            AllocationException.class,
            () -> Allocator.allocate(GENERIC, threePfs(), List.of("0000:3d:02.0")));

    assertEquals(Kind.UNKNOWN, e.kind());
    assertEquals(
        "tried to allocate device 0000:3d:02.0, but it is not advertised under"
            + " qat.intel.com/generic on this node (removed, or another resource)",
        e.getMessage());
  }

  @Test
  void refusesAnUnhealthyDeviceGivingTheReason() {
    List<Vf> vfs = new ArrayList<>(threePfs());
    vfs.set(1, vfs.get(1).withHealth(Health.UNHEALTHY, "/dev/vfio/11 is missing"));

    AllocationException e =
        assertThrows(
            AllocationException.class,
            () -> Allocator.allocate(GENERIC, vfs, List.of("0000:3d:01.1")));

    assertEquals(Kind.UNHEALTHY, e.kind());
    assertEquals(
        "tried to allocate device 0000:3d:01.1, but it is unhealthy: /dev/vfio/11 is missing",
        e.getMessage());
  }

  @Test
  void refusesADeviceRequestedTwice() {
    AllocationException e =
        assertThrows(
            AllocationException.class,
            () -> Allocator.allocate(GENERIC, threePfs(), List.of("0000:3d:01.1", "0000:3d:01.1")));

    assertEquals(Kind.INVALID, e.kind());
    assertEquals(
        "tried to allocate device 0000:3d:01.1, but it is requested twice", e.getMessage());
  }

  @Test
  void refusesARequestWithoutDevices() {
    AllocationException e =
        assertThrows(
            AllocationException.class, () -> Allocator.allocate(GENERIC, threePfs(), List.of()));

    assertEquals(Kind.INVALID, e.kind());
    assertEquals(
        "tried to allocate qat.intel.com/generic, but the request names no device", e.getMessage());
  }
}
