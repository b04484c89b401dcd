package io.qatvirt.plugin.allocation;

import io.qatvirt.plugin.device.PciAddress;

/**
 * Reads a VF on the node at the moment of asking, so that Allocate answers from the node and not
 * from the last scan. Implementations never throw (a failed read is {@link VfOnNode.Unreadable})
 * and are safe to call from any thread; a call reads a few sysfs links and stats one file.
 */
@FunctionalInterface
public interface NodeVfs {

  /** The VF at this address as the node shows it now. */
  VfOnNode read(PciAddress address);
}
