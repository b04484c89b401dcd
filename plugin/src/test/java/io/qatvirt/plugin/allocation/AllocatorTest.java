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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AllocatorTest {
  private static final String GENERIC = "qat.intel.com/generic";

  /** Allocates on a node that shows every VF as advertised. */
  private static ContainerAllocation allocate(String resource, List<Vf> vfs, List<String> ids) {
    return Allocator.allocate(resource, vfs, ids, FakeNodeVfs.showing(vfs));
  }

  @Test
  void allocatesTheVfioGroupOfEveryRequestedVf() {
    ContainerAllocation a = allocate(GENERIC, threePfs(), List.of("0000:da:01.1", "0000:3d:01.2"));

    assertEquals(
        List.of(
            DeviceNode.readWrite("/dev/vfio/vfio"),
            DeviceNode.readWrite("/dev/vfio/31"),
            DeviceNode.readWrite("/dev/vfio/12")),
        a.devices());
  }

  @Test
  void setsKubeVirtsVariableInRequestOrderAndTheResourcesQatVariablesByAddress() {
    ContainerAllocation a =
        allocate("qat.intel.com/sym-dc", threePfs(), List.of("0000:da:01.1", "0000:3d:01.2"));

    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("PCI_RESOURCE_QAT_INTEL_COM_SYM-DC", "0000:da:01.1,0000:3d:01.2");
    expected.put("QAT_SYM_DC_0", "0000:3d:01.2");
    expected.put("QAT_SYM_DC_1", "0000:da:01.1");
    assertEquals(expected, a.envs());
    assertEquals(List.copyOf(expected.keySet()), List.copyOf(a.envs().keySet()));
  }

  @Test
  void namesASharedGroupOnlyOnceAndTheContainerNodeFirst() {
    List<Vf> vfs =
        List.of(vf("0000:3d:01.0", "0000:3d:00.0", 7, 0), vf("0000:3d:01.1", "0000:3d:00.0", 7, 0));

    ContainerAllocation a = allocate(GENERIC, vfs, List.of("0000:3d:01.1", "0000:3d:01.0"));

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

    ContainerAllocation a = allocate(GENERIC, List.of(noIommu), List.of("0000:3d:01.0"));

    assertEquals(
        List.of(
            DeviceNode.readWrite("/dev/vfio/vfio"), DeviceNode.readWrite("/dev/vfio/noiommu-3")),
        a.devices());
  }

  @Test
  void acceptsUpperCaseHexAndAnswersInTheKernelsSpelling() {
    ContainerAllocation a = allocate(GENERIC, threePfs(), List.of("0000:DA:01.1"));

    assertEquals("0000:da:01.1", a.envs().get("PCI_RESOURCE_QAT_INTEL_COM_GENERIC"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"../../etc", "", "0000:3d:01.8", "3d:01.1", "0000:3d:01.1/../x", "0000:3d:20.1"})
  void refusesAMalformedIdNamingIt(String id) {
    AllocationException e =
        assertThrows(
            AllocationException.class,
            () -> allocate(GENERIC, threePfs(), List.of("0000:3d:01.1", id)));

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
            AllocationException.class, () -> allocate(GENERIC, threePfs(), List.of("a\nb")));

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
            () -> allocate(GENERIC, threePfs(), List.of("0000:3d:02.0")));

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
            AllocationException.class, () -> allocate(GENERIC, vfs, List.of("0000:3d:01.1")));

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
            () -> allocate(GENERIC, threePfs(), List.of("0000:3d:01.1", "0000:3d:01.1")));

    assertEquals(Kind.INVALID, e.kind());
    assertEquals(
        "tried to allocate device 0000:3d:01.1, but it is requested twice", e.getMessage());
  }

  @Test
  void refusesARequestWithoutDevices() {
    AllocationException e =
        assertThrows(AllocationException.class, () -> allocate(GENERIC, threePfs(), List.of()));

    assertEquals(Kind.INVALID, e.kind());
    assertEquals(
        "tried to allocate qat.intel.com/generic, but the request names no device", e.getMessage());
  }

  private static AllocationException refusedOn(FakeNodeVfs node, String id) {
    return assertThrows(
        AllocationException.class,
        () -> Allocator.allocate(GENERIC, threePfs(), List.of("0000:3d:01.0", id), node));
  }

  @Test
  void refusesAVfWhoseSysfsEntryIsGoneNow() {
    AllocationException e =
        refusedOn(
            FakeNodeVfs.showing(threePfs()).set("0000:3d:01.1", new VfOnNode.Gone()),
            "0000:3d:01.1");

    assertEquals(Kind.GONE, e.kind());
    assertEquals(
        "tried to allocate VF 0000:3d:01.1, but it is no longer in sysfs (removed, or SR-IOV"
            + " disabled on its PF)",
        e.getMessage());
  }

  @Test
  void refusesAVfOnAnotherDriverNow() {
    AllocationException e =
        refusedOn(
            FakeNodeVfs.showing(threePfs())
                .set(
                    "0000:3d:01.1", FakeNodeVfs.present("c6xxvf", new VfioGroup(11, false), false)),
            "0000:3d:01.1");

    assertEquals(Kind.CHANGED, e.kind());
    assertEquals(
        "tried to allocate VF 0000:3d:01.1, but it is bound to c6xxvf now, not vfio-pci",
        e.getMessage());
  }

  @Test
  void refusesAnUnboundVfNamingEveryVfioDriver() {
    VfOnNode unbound =
        new VfOnNode.Present(
            Optional.empty(),
            Set.of("vfio-pci", "qat_vfio_pci"),
            Optional.of(new VfioGroup(11, false)),
            false);

    AllocationException e =
        refusedOn(FakeNodeVfs.showing(threePfs()).set("0000:3d:01.1", unbound), "0000:3d:01.1");

    assertEquals(Kind.CHANGED, e.kind());
    assertEquals(
        "tried to allocate VF 0000:3d:01.1, but it has no driver now, not qat_vfio_pci or"
            + " vfio-pci",
        e.getMessage());
  }

  @Test
  void refusesAVfInAnotherGroupNow() {
    AllocationException e =
        refusedOn(
            FakeNodeVfs.showing(threePfs())
                .set(
                    "0000:3d:01.1",
                    FakeNodeVfs.present("vfio-pci", new VfioGroup(77, false), true)),
            "0000:3d:01.1");

    assertEquals(Kind.CHANGED, e.kind());
    assertEquals(
        "tried to allocate VF 0000:3d:01.1, but it is in IOMMU group 77 now, not 11 as advertised",
        e.getMessage());
  }

  @Test
  void refusesAVfNowInNoIommuMode() {
    AllocationException e =
        refusedOn(
            FakeNodeVfs.showing(threePfs())
                .set(
                    "0000:3d:01.1", FakeNodeVfs.present("vfio-pci", new VfioGroup(11, true), true)),
            "0000:3d:01.1");

    assertEquals(Kind.CHANGED, e.kind());
    assertEquals(
        "tried to allocate VF 0000:3d:01.1, but its VFIO node is /dev/vfio/noiommu-11 now, not"
            + " /dev/vfio/11 as advertised",
        e.getMessage());
  }

  @Test
  void refusesAVfWithoutAnIommuGroupLinkNow() {
    VfOnNode noGroup =
        new VfOnNode.Present(Optional.of("vfio-pci"), Set.of("vfio-pci"), Optional.empty(), false);

    AllocationException e =
        refusedOn(FakeNodeVfs.showing(threePfs()).set("0000:3d:01.1", noGroup), "0000:3d:01.1");

    assertEquals(Kind.CHANGED, e.kind());
    assertEquals(
        "tried to allocate VF 0000:3d:01.1, but it has no iommu_group link now (advertised in"
            + " IOMMU group 11)",
        e.getMessage());
  }

  @Test
  void refusesAVfWhoseVfioNodeIsMissingNow() {
    AllocationException e =
        refusedOn(
            FakeNodeVfs.showing(threePfs())
                .set(
                    "0000:3d:01.1",
                    FakeNodeVfs.present("vfio-pci", new VfioGroup(11, false), false)),
            "0000:3d:01.1");

    assertEquals(Kind.CHANGED, e.kind());
    assertEquals(
        "tried to allocate VF 0000:3d:01.1, but its VFIO node /dev/vfio/11 is missing",
        e.getMessage());
  }

  @Test
  void refusesAVfWhoseEntryCannotBeRead() {
    AllocationException e =
        refusedOn(
            FakeNodeVfs.showing(threePfs())
                .set("0000:3d:01.1", new VfOnNode.Unreadable("/sys/x: Permission denied")),
            "0000:3d:01.1");

    assertEquals(Kind.CHANGED, e.kind());
    assertEquals(
        "tried to allocate VF 0000:3d:01.1, but its sysfs entry could not be read: /sys/x:"
            + " Permission denied",
        e.getMessage());
  }

  @Test
  void checksTheNodeOnlyAfterTheSnapshotAcceptedTheId() {
    List<Vf> vfs = new ArrayList<>(threePfs());
    vfs.set(1, vfs.get(1).withHealth(Health.UNHEALTHY, "/dev/vfio/11 is missing"));
    FakeNodeVfs node = FakeNodeVfs.showing(vfs).set("0000:3d:01.1", new VfOnNode.Gone());

    AllocationException e =
        assertThrows(
            AllocationException.class,
            () -> Allocator.allocate(GENERIC, vfs, List.of("0000:3d:01.1"), node));

    assertEquals(Kind.UNHEALTHY, e.kind());
  }

  @Test
  void givesTwoResourcesOfOneContainerNoVariableInCommon() {
    List<Vf> cy = List.of(vf("0000:6b:00.1", "0000:6b:00.0", 41, 0));
    List<Vf> dc =
        List.of(
            vf("0000:70:00.1", "0000:70:00.0", 51, 1), vf("0000:70:00.2", "0000:70:00.0", 52, 1));

    Map<String, String> cyEnvs = allocate("qat.intel.com/cy", cy, List.of("0000:6b:00.1")).envs();
    Map<String, String> dcEnvs =
        allocate("qat.intel.com/dc", dc, List.of("0000:70:00.2", "0000:70:00.1")).envs();

    assertEquals(
        Map.of("PCI_RESOURCE_QAT_INTEL_COM_CY", "0000:6b:00.1", "QAT_CY_0", "0000:6b:00.1"),
        cyEnvs);
    assertEquals(
        Map.of(
            "PCI_RESOURCE_QAT_INTEL_COM_DC", "0000:70:00.2,0000:70:00.1",
            "QAT_DC_0", "0000:70:00.1",
            "QAT_DC_1", "0000:70:00.2"),
        dcEnvs);
    Set<String> common = new HashSet<>(cyEnvs.keySet());
    common.retainAll(dcEnvs.keySet());
    assertEquals(Set.of(), common);
  }
}
