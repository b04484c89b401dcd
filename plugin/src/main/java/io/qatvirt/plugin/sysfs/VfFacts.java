package io.qatvirt.plugin.sysfs;

import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.PciId;
import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.device.VfioGroup;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What sysfs says about one candidate VF before binding and health are judged.
 *
 * @param family the QAT family; empty for a device matched by an extra ID
 * @param dir the VF's real directory under {@code <sysfs>/devices}
 */
record VfFacts(
    PciAddress address,
    Optional<QatFamily> family,
    PciId id,
    Path dir,
    Optional<PciAddress> pf,
    VfioGroup group,
    int numaNode,
    Optional<String> driver) {

  VfFacts withDriver(Optional<String> newDriver) {
    return new VfFacts(address, family, id, dir, pf, group, numaNode, newDriver);
  }
}
