package io.qatvirt.plugin.sim;

import io.qatvirt.plugin.device.PciAddress;
import java.util.List;

/** A simulated PF's SR-IOV state: every VF address it can have, their groups, how many exist. */
final class SriovState {
  final SimDevice device;
  final List<PciAddress> vfs;
  final List<Integer> vfGroups;
  final boolean noIommu;
  int enabled;

  SriovState(SimDevice device, List<PciAddress> vfs, List<Integer> vfGroups, boolean noIommu) {
    this.device = device;
    this.vfs = List.copyOf(vfs);
    this.vfGroups = List.copyOf(vfGroups);
    this.noIommu = noIommu;
  }
}
