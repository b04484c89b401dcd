package io.qatvirt.plugin.sim;

import io.qatvirt.plugin.device.PciAddress;
import java.util.List;

/** A PF the simulated node holds, and its VFs in {@code virtfn} order. */
public record SimulatedPf(PciAddress address, List<PciAddress> vfs) {
  public SimulatedPf {
    vfs = List.copyOf(vfs);
  }

  /** The VF behind {@code virtfn<index>}. */
  public PciAddress vf(int index) {
    return vfs.get(index);
  }
}
