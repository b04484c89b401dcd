package io.qatvirt.plugin.sim;

import io.qatvirt.plugin.device.PciAddress;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Describes one PF to add to a {@link SimulatedNode}; {@link #create()} lays it out. Defaults: 4
 * VFs enabled of 16, services {@code sym;asym} and state {@code up} (Gen4+), NUMA node 0, VFs
 * coming up as the real kernel brings them up (Gen4+ unbound, older ones on their kernel VF
 * driver), IOMMU groups from the node's counter.
 */
public final class PfBuilder {

  final SimulatedNode node;
  final SriovDeviceType ids;
  final PciAddress address;
  int vfCount = 4;
  int totalVfs = -1;
  String services = "sym;asym";
  String state = "up";
  int numaNode = 0;
  VfStart start;
  final Map<Integer, VfStart> starts = new HashMap<>();
  boolean noIommu;
  OptionalInt firstGroup = OptionalInt.empty();

  PfBuilder(SimulatedNode node, SriovDeviceType ids, String address) {
    this.node = node;
    this.ids = ids;
    this.address = SimulatedNode.parse(address);
    this.start = defaultStart(ids);
  }

  static VfStart defaultStart(SriovDeviceType ids) {
    return ids.serviceAware() || ids.vfKernelDriver().isEmpty()
        ? VfStart.UNBOUND
        : VfStart.KERNEL_DRIVER;
  }

  /** How many VFs are enabled ({@code sriov_numvfs}). */
  public PfBuilder vfs(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("tried to enable " + count + " VFs, but must be >= 0");
    }
    this.vfCount = count;
    return this;
  }

  /** {@code sriov_totalvfs}; defaults to 16, or the VF count when larger. */
  public PfBuilder totalVfs(int total) {
    this.totalVfs = total;
    return this;
  }

  /** {@code qat/cfg_services} of a Gen4+ PF, written as given (no validation). */
  public PfBuilder services(String value) {
    this.services = value;
    return this;
  }

  /** {@code qat/state} of a Gen4+ PF, written as given. */
  public PfBuilder state(String value) {
    this.state = value;
    return this;
  }

  /** {@code numa_node} of the PF and its VFs; -1 where unknown. */
  public PfBuilder numaNode(int node) {
    this.numaNode = node;
    return this;
  }

  /** The driver every VF comes up on. */
  public PfBuilder start(VfStart vfStart) {
    this.start = vfStart;
    return this;
  }

  /** The driver VF {@code index} comes up on, overriding {@link #start(VfStart)}. */
  public PfBuilder start(int index, VfStart vfStart) {
    starts.put(index, vfStart);
    return this;
  }

  /** Puts the PF and its VFs in no-IOMMU groups (group {@code name} reads vfio-noiommu). */
  public PfBuilder noIommu() {
    this.noIommu = true;
    return this;
  }

  /** The PF's IOMMU group; its VFs get the following numbers, VF i group {@code first + 1 + i}. */
  public PfBuilder firstGroup(int group) {
    this.firstGroup = OptionalInt.of(group);
    return this;
  }

  int total() {
    return totalVfs >= 0 ? totalVfs : Math.max(16, vfCount);
  }

  VfStart startOf(int index) {
    return starts.getOrDefault(index, start);
  }

  /** Lays the PF and its VFs out in the node's trees. */
  public SimulatedPf create() throws IOException {
    return node.createPf(this);
  }
}
