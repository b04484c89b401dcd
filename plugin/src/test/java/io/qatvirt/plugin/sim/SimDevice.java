package io.qatvirt.plugin.sim;

import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.VfioGroup;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One device in the simulated tree. What can change (driver, override) lives on disk, where the
 * plugin reads it.
 *
 * @param dir its real directory under {@code sys/devices}
 * @param physfn its PF, for a VF with a PF
 * @param vfIndex its {@code virtfn} index, -1 when it has no PF
 */
record SimDevice(
    PciAddress address,
    SriovDeviceType ids,
    Kind kind,
    Path dir,
    VfioGroup group,
    Optional<PciAddress> physfn,
    int vfIndex,
    int numaNode) {

  enum Kind {
    BRIDGE,
    PF,
    VF,
    /**
     * Any other function (a NIC, a bridge put in a group by a test); its driver is {@code
     * pfDriver}.
     */
    FUNCTION
  }

  int deviceId() {
    return kind == Kind.VF ? ids.vfDevice() : ids.pfDevice();
  }

  /** The driver that binds it when no override says otherwise. */
  Optional<String> nativeDriver() {
    if (kind == Kind.FUNCTION) {
      return Optional.of(ids.pfDriver()).filter(name -> !name.isEmpty());
    }
    return kind == Kind.VF ? ids.vfKernelDriver() : Optional.of(ids.pfDriver());
  }
}
