package io.qatvirt.plugin.sysfs;

import io.qatvirt.plugin.device.PciAddress;
import java.time.Duration;
import java.util.Map;

/**
 * Told of every bind attempt the scanner makes, and after each scan of the PFs' heartbeats, e.g. to
 * count metrics. Called on the scan thread.
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

  /**
   * After each scan: every PF whose QAT heartbeat was read, and whether it could not be read
   * (missing, denied, garbage). A PF left out is gone, or has no heartbeat.
   */
  default void heartbeats(Map<PciAddress, Boolean> unreadable) {}
}
