package io.qatvirt.plugin.device;

/**
 * Finds the node's QAT VFs and returns a whole snapshot. Implementations bind VFs to vfio-pci where
 * asked to, judge health, and cap the count; they never throw for one bad VF (it is logged with its
 * address and left out or marked unhealthy) and return an empty snapshot, logged, when the roots
 * themselves can't be read.
 */
@FunctionalInterface
public interface VfScanner {
  DeviceSnapshot scan();
}
