package io.qatvirt.plugin.kubelet;

import io.qatvirt.plugin.allocation.AllocationException;
import io.qatvirt.plugin.device.DeviceSnapshot;

/** What the kubelet side reports as it happens (metrics listen). Every method is a no-op here. */
public interface KubeletEvents {

  /** Reports nothing. */
  KubeletEvents NONE = new KubeletEvents() {};

  /** A scan produced this snapshot (every resource, every VF). */
  default void scanned(DeviceSnapshot snapshot) {}

  /** One Register call to kubelet ended, accepted or not. */
  default void registration(String resourceName, boolean accepted) {}

  /** One container's Allocate was answered with {@code devices} devices. */
  default void allocated(String resourceName, int devices) {}

  /** One container's Allocate was refused. */
  default void allocationRefused(String resourceName, AllocationException.Kind kind) {}
}
