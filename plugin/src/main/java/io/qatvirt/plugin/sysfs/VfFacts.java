package io.qatvirt.plugin.sysfs;

import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.VfioGroup;
import java.util.Optional;

/** A candidate VF as one scan sees it: its fixed facts plus its group and driver right now. */
record VfFacts(StaticFacts fixed, VfioGroup group, Optional<String> driver) {

  PciAddress address() {
    return fixed.address();
  }

  Optional<PciAddress> pf() {
    return fixed.pf();
  }

  VfFacts withDriver(Optional<String> newDriver) {
    return new VfFacts(fixed, group, newDriver);
  }
}
