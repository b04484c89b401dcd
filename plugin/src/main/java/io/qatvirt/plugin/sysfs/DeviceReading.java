package io.qatvirt.plugin.sysfs;

/** What reading one {@code bus/pci/devices} entry came to. */
sealed interface DeviceReading {

  /** One of ours: its fixed facts. */
  record Found(StaticFacts facts) implements DeviceReading {}

  /** One of ours as it is right now. */
  record Ready(VfFacts facts) implements DeviceReading {}

  /** Not a device of ours, or gone; {@code note} is logged once when not empty. */
  record Skip(String note) implements DeviceReading {
    static final Skip QUIETLY = new Skip("");
  }

  /** One of ours, but broken: logged once and left out. */
  record Broken(String reason) implements DeviceReading {}
}
