package io.qatvirt.plugin.sim;

import io.qatvirt.plugin.device.PciId;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Driver binding on a simulated node with the kernel's rules and errors: driver_override, native
 * drivers, {@code new_id}, vfio-pci's denylist of pre-Gen4 QAT VFs. Used under the node's lock.
 */
final class SimDrivers {

  static final String VFIO_PCI = "vfio-pci";

  private final SimLayout layout;
  private final SimRegistry registry;
  private final Map<String, Set<PciId>> dynamicIds = new HashMap<>();
  private boolean disableDenylist;

  SimDrivers(SimLayout layout, SimRegistry registry) {
    this.layout = layout;
    this.registry = registry;
  }

  void setDisableDenylist(boolean disable) {
    this.disableDenylist = disable;
  }

  /** {@code EBUSY} when bound; {@code ENODEV} for an unloaded driver; {@code EINVAL} denylisted. */
  void bind(SimDevice device, String driver) throws IOException {
    if (layout.driver(device).isPresent()) {
      throw Errno.EBUSY.exception();
    }
    if (!layout.driverLoaded(driver)) {
      throw Errno.ENODEV.exception();
    }
    if (driver.equals(VFIO_PCI) && device.ids().denylisted() && !disableDenylist) {
      throw Errno.EINVAL.exception(); // vfio_pci_probe refuses a denylisted device
    }
    layout.bind(device, driver);
  }

  /** {@code ENODEV} when unbound. Leaving vfio-pci drops the group's node if no other holds it. */
  void unbind(SimDevice device) throws IOException {
    String driver = layout.driver(device).orElseThrow(Errno.ENODEV::exception);
    boolean last = true;
    for (SimDevice other : registry.all()) {
      if (other != device
          && other.group().equals(device.group())
          && layout.driver(other).filter(VFIO_PCI::equals).isPresent()) {
        last = false;
      }
    }
    layout.unbind(device, driver, last);
  }

  /**
   * The driver {@code drivers_probe} picks: the override, else the device's own kernel driver if
   * loaded, else a loaded driver whose {@code new_id} lists its IDs; {@code ENODEV} when none.
   */
  String probe(SimDevice device) throws IOException {
    String override = layout.driverOverride(device);
    if (!override.equals("(null)")) {
      return override;
    }
    Optional<String> own = device.nativeDriver().filter(layout::driverLoaded);
    if (own.isPresent()) {
      return own.get();
    }
    PciId id = new PciId(device.ids().vendor(), device.deviceId());
    for (Map.Entry<String, Set<PciId>> entry : dynamicIds.entrySet()) {
      if (entry.getValue().contains(id) && layout.driverLoaded(entry.getKey())) {
        return entry.getKey();
      }
    }
    throw Errno.ENODEV.exception();
  }

  /** Probes and binds an unbound device; false when no driver takes it. */
  boolean attach(SimDevice device) throws IOException {
    if (layout.driver(device).isPresent()) {
      return false;
    }
    try {
      bind(device, probe(device));
      return true;
    } catch (IOException refused) {
      return false;
    }
  }

  /** {@code new_id}: {@code EEXIST} when listed; then probes every unbound device it matches. */
  void addDynamicId(String driver, PciId id) throws IOException {
    if (!dynamicIds.computeIfAbsent(driver, d -> new HashSet<>()).add(id)) {
      throw Errno.EEXIST.exception();
    }
    for (SimDevice device : registry.all()) {
      if (device.ids().vendor() == id.vendor()
          && device.deviceId() == id.device()
          && layout.driverOverride(device).equals("(null)")) {
        attach(device);
      }
    }
  }

  /** {@code remove_id}: {@code ENODEV} when not listed. */
  void removeDynamicId(String driver, PciId id) throws IOException {
    if (!dynamicIds.getOrDefault(driver, Set.of()).remove(id)) {
      throw Errno.ENODEV.exception();
    }
  }

  /** modprobe binds every unbound device vfio-pci matches; rmmod unbinds every device on it. */
  void setVfioPciLoaded(boolean loaded) throws IOException {
    if (loaded) {
      layout.loadDriver(VFIO_PCI);
      for (SimDevice device : registry.all()) {
        if (layout.driver(device).isEmpty() && probeQuietly(device).equals(VFIO_PCI)) {
          attach(device);
        }
      }
      return;
    }
    for (SimDevice device : registry.all()) {
      if (layout.driver(device).filter(VFIO_PCI::equals).isPresent()) {
        unbind(device);
      }
    }
    layout.unloadDriver(VFIO_PCI);
  }

  private String probeQuietly(SimDevice device) {
    try {
      return probe(device);
    } catch (IOException none) {
      return "";
    }
  }
}
