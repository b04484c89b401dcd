package io.qatvirt.plugin.device;

import java.util.Objects;
import java.util.Optional;

/**
 * One QAT virtual function as the plugin advertises it: a value, read from sysfs in one scan.
 *
 * @param address the VF's PCI address, also its device ID towards kubelet
 * @param pf the PF's address; empty inside a VM guest, where no PF is visible
 * @param vfIndex the {@code virtfn<i>} index on its PF; -1 where there is no PF
 * @param kind resource kind: {@code generic}, or on Gen4+ the service name ({@code cy}, {@code dc},
 *     {@code sym-dc}, ...)
 * @param group the VF's IOMMU group and its {@code /dev/vfio} node
 * @param numaNode NUMA node from sysfs, -1 where unknown
 * @param driver the driver the VF is bound to, empty when unbound
 * @param health healthy or not
 * @param healthReason why the VF is unhealthy, in words an admin can act on; empty when healthy
 */
public record Vf(
    PciAddress address,
    Optional<PciAddress> pf,
    int vfIndex,
    String kind,
    VfioGroup group,
    int numaNode,
    Optional<String> driver,
    Health health,
    String healthReason) {

  /** Every resource this plugin advertises is named {@code qat.intel.com/<kind>}. */
  public static final String RESOURCE_PREFIX = "qat.intel.com/";

  public Vf {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(pf, "pf");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(driver, "driver");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(healthReason, "healthReason");
  }

  /** {@code qat.intel.com/<kind>}. */
  public String resourceName() {
    return RESOURCE_PREFIX + kind;
  }

  public boolean healthy() {
    return health == Health.HEALTHY;
  }

  /** The same VF with another health verdict. */
  public Vf withHealth(Health newHealth, String reason) {
    return new Vf(address, pf, vfIndex, kind, group, numaNode, driver, newHealth, reason);
  }
}
