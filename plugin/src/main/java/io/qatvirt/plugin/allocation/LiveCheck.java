package io.qatvirt.plugin.allocation;

import io.qatvirt.plugin.allocation.AllocationException.Kind;
import io.qatvirt.plugin.device.Vf;
import io.qatvirt.plugin.device.VfioGroup;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Compares an advertised VF with what the node shows now: the VF must still exist, be on a VFIO
 * driver, be in the IOMMU group it was advertised with, and that group's node must exist. Pure.
 */
final class LiveCheck {
  private LiveCheck() {}

  /**
   * The VF's group as read now.
   *
   * @throws AllocationException {@link Kind#GONE} when its sysfs entry is gone, {@link
   *     Kind#CHANGED} when it is on another driver, in another group, or its node is missing
   */
  static VfioGroup verify(Vf advertised, VfOnNode now) {
    String tried = "tried to allocate VF " + advertised.address() + ", but ";
    if (now instanceof VfOnNode.Gone) {
      throw new AllocationException(
          Kind.GONE, tried + "it is no longer in sysfs (removed, or SR-IOV disabled on its PF)");
    }
    if (now instanceof VfOnNode.Unreadable unreadable) {
      throw new AllocationException(
          Kind.CHANGED, tried + "its sysfs entry could not be read: " + unreadable.reason());
    }
    VfOnNode.Present present = (VfOnNode.Present) now;
    String vfio = String.join(" or ", new TreeSet<>(present.vfioDrivers()));
    Optional<String> driver = present.driver();
    if (driver.isEmpty()) {
      throw new AllocationException(Kind.CHANGED, tried + "it has no driver now, not " + vfio);
    }
    if (!present.vfioDrivers().contains(driver.get())) {
      throw new AllocationException(
          Kind.CHANGED, tried + "it is bound to " + driver.get() + " now, not " + vfio);
    }
    VfioGroup was = advertised.group();
    if (present.group().isEmpty()) {
      throw new AllocationException(
          Kind.CHANGED,
          tried
              + "it has no iommu_group link now (advertised in IOMMU group "
              + was.number()
              + ")");
    }
    VfioGroup group = present.group().get();
    if (group.number() != was.number()) {
      throw new AllocationException(
          Kind.CHANGED,
          tried
              + "it is in IOMMU group "
              + group.number()
              + " now, not "
              + was.number()
              + " as advertised");
    }
    if (!group.equals(was)) {
      throw new AllocationException(
          Kind.CHANGED,
          tried
              + "its VFIO node is "
              + group.devicePath()
              + " now, not "
              + was.devicePath()
              + " as advertised");
    }
    if (!present.groupNodePresent()) {
      throw new AllocationException(
          Kind.CHANGED, tried + "its VFIO node " + group.devicePath() + " is missing");
    }
    return group;
  }
}
