package io.qatvirt.plugin.sysfs;

import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.PciId;
import io.qatvirt.plugin.device.QatFamily;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the kernel never changes while a VF's sysfs directory exists, read once per directory.
 *
 * @param family the QAT family; empty for a device matched by an extra ID
 * @param dir the VF's real directory under {@code <sysfs>/devices}
 * @param pf its PF; empty inside a VM guest
 */
record StaticFacts(
    PciAddress address,
    Optional<QatFamily> family,
    PciId id,
    Path dir,
    Optional<PciAddress> pf,
    int numaNode) {}
