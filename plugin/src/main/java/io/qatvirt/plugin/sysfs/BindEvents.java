package io.qatvirt.plugin.sysfs;

import io.qatvirt.plugin.device.PciAddress;
import java.time.Duration;

/**
 * Told of every bind attempt the scanner makes, e.g. to count metrics. Called on the scan thread.
 */
public interface BindEvents {

  /** Ignores every event. */
  BindEvents NONE =
      new BindEvents() {
        @Override
        public void bound(PciAddress vf, Duration took) {}

        @Override
        public void bindFailed(PciAddress vf, String reason) {}
      };

  /** The VF is now bound to vfio-pci and its /dev/vfio node exists. */
  void bound(PciAddress vf, Duration took);

  /** Binding failed; {@code reason} is the sentence the scanner also logs. */
  void bindFailed(PciAddress vf, String reason);
}
