package io.qatvirt.plugin.device;

import java.util.Objects;
import java.util.Optional;

/**
 * One device in an IOMMU group, as {@code /sys/kernel/iommu_groups/<N>/devices/<name>} shows it.
 *
 * @param name the device's name there: a PCI address such as {@code 0000:3d:00.3}
 * @param driver the driver it is bound to; empty when it has none
 * @param bridge whether it is a PCI bridge (class {@code 0x0604xx} or {@code 0x0609xx})
 */
public record GroupMember(String name, Optional<String> driver, boolean bridge) {

  public GroupMember {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(driver, "driver");
  }

  /** {@code 0000:3d:00.3 (e1000e)}, {@code ... (no driver)}, {@code ... (pcieport, bridge)}. */
  public String describe() {
    return name + " (" + driver.orElse("no driver") + (bridge ? ", bridge" : "") + ")";
  }
}
