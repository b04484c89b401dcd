package io.qatvirt.plugin.sim;

/** The driver a simulated VF is bound to when it is created. */
public enum VfStart {
  /** Bound to vfio-pci, its /dev/vfio node present. */
  VFIO_PCI,
  /** Bound to its kernel VF driver (e.g. {@code c6xxvf}), as pre-Gen4 VFs come up. */
  KERNEL_DRIVER,
  /** No driver, as Gen4+ VFs come up (no upstream kernel driver). */
  UNBOUND
}
