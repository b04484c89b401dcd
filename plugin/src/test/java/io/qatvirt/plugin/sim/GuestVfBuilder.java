package io.qatvirt.plugin.sim;

import io.qatvirt.plugin.device.PciAddress;
import java.io.IOException;
import java.util.OptionalInt;

/**
 * Describes a VF as a VM guest sees it: passed through, no PF, no {@code physfn}. Defaults: NUMA
 * node -1, the driver the family's VFs come up on, an IOMMU group from the node's counter.
 */
public final class GuestVfBuilder {

  final SimulatedNode node;
  final SriovDeviceType ids;
  final PciAddress address;
  int numaNode = -1;
  VfStart start;
  boolean noIommu;
  OptionalInt group = OptionalInt.empty();

  GuestVfBuilder(SimulatedNode node, SriovDeviceType ids, String address) {
    this.node = node;
    this.ids = ids;
    this.address = SimulatedNode.parse(address);
    this.start = PfBuilder.defaultStart(ids);
  }

  public GuestVfBuilder numaNode(int value) {
    this.numaNode = value;
    return this;
  }

  public GuestVfBuilder start(VfStart value) {
    this.start = value;
    return this;
  }

  public GuestVfBuilder noIommu() {
    this.noIommu = true;
    return this;
  }

  public GuestVfBuilder group(int number) {
    this.group = OptionalInt.of(number);
    return this;
  }

  public PciAddress create() throws IOException {
    return node.createGuestVf(this);
  }
}
