package io.qatvirt.plugin.device;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Whether a VF's IOMMU group can be handed to a VM: VFIO opens a group only when no device in it is
 * driven by a kernel driver that does DMA on its own. The kernel's rule: a device is no obstacle
 * when it has no driver, is on vfio-pci or a vfio-pci variant driver ({@code qat_vfio_pci}, ...),
 * is on pci-stub, or is a PCI bridge (Linux up to 5.18: {@code vfio_dev_viable} in {@code
 * drivers/vfio/vfio.c}; from 5.19: {@code VFIO_GROUP_FLAGS_VIABLE} is "no DMA owner claimed", and
 * only drivers without {@code driver_managed_dma} claim one; vfio-pci, pci-stub and pcieport set
 * it). Pure.
 */
public final class GroupViability {

  private static final String VFIO_PCI = "vfio-pci";
  private static final String PCI_STUB = "pci-stub";

  private GroupViability() {}

  /**
   * Why the VF's group can't be passed through, naming the devices in the way and every member;
   * empty when it can. The VF itself is not judged here (its own driver is the scanner's business).
   */
  public static Optional<String> problem(
      PciAddress vf, VfioGroup group, List<GroupMember> members) {
    String self = vf.toString();
    List<GroupMember> sorted =
        members.stream().sorted(Comparator.comparing(GroupMember::name)).toList();
    List<GroupMember> inTheWay =
        sorted.stream().filter(m -> !m.name().equals(self) && !harmless(m)).toList();
    if (inTheWay.isEmpty()) {
      return Optional.empty();
    }
    String names = inTheWay.stream().map(GroupMember::name).collect(Collectors.joining(", "));
    return Optional.of(
        "its IOMMU group "
            + group.number()
            + " also holds "
            + inTheWay.stream()
                .map(m -> m.name() + " on " + m.driver().orElseThrow())
                .collect(Collectors.joining(", "))
            + ", and VFIO passes a group through only whole, with every device in it on vfio-pci,"
            + " pci-stub or no driver (bridges aside); the group's devices: "
            + sorted.stream().map(GroupMember::describe).collect(Collectors.joining(", "))
            + "; unbind "
            + names
            + " or bind "
            + (inTheWay.size() == 1 ? "it" : "them")
            + " to vfio-pci to serve the VF");
  }

  /** No obstacle to VFIO: no driver, a VFIO driver, pci-stub, or a bridge. */
  static boolean harmless(GroupMember member) {
    if (member.bridge() || member.driver().isEmpty()) {
      return true;
    }
    String driver = member.driver().get();
    return driver.equals(VFIO_PCI) || driver.equals(PCI_STUB) || driver.endsWith("_vfio_pci");
  }
}
