package io.qatvirt.plugin.allocation;

import io.qatvirt.plugin.device.VfioGroup;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** One VF as the node shows it at the moment of reading, read through {@link NodeVfs}. */
public sealed interface VfOnNode {

  /** No sysfs entry at the VF's address: it was removed (or SR-IOV disabled on its PF). */
  record Gone() implements VfOnNode {}

  /** The entry exists but could not be read; {@code reason} names the file and the error. */
  record Unreadable(String reason) implements VfOnNode {
    public Unreadable {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * The entry exists.
   *
   * @param driver the driver its {@code driver} link names; empty when unbound
   * @param vfioDrivers the drivers that count as VFIO drivers for this node (e.g. {@code
   *     vfio-pci}), named in refusals
   * @param group its IOMMU group from the {@code iommu_group} link; empty when there is no link
   * @param groupNodePresent whether that group's {@code /dev/vfio} node exists
   */
  record Present(
      Optional<String> driver,
      Set<String> vfioDrivers,
      Optional<VfioGroup> group,
      boolean groupNodePresent)
      implements VfOnNode {
    public Present {
      Objects.requireNonNull(driver, "driver");
      vfioDrivers = Set.copyOf(vfioDrivers);
      Objects.requireNonNull(group, "group");
    }
  }
}
