package io.qatvirt.plugin.sim;

import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.VfioGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The devices of a simulated node by address, its PFs, the root ports they sit behind and the IOMMU
 * group counter. Used under the node's lock.
 */
final class SimRegistry {

  private static final SriovDeviceType ROOT_PORT =
      new SriovDeviceType(
          0x8086, 0x347a, 0x347a, "pcieport", Optional.empty(), Optional.empty(), 1, 0x060400);

  private final SimLayout layout;
  private final Map<PciAddress, SimDevice> devices = new TreeMap<>();
  private final Map<PciAddress, SriovState> pfs = new HashMap<>();
  private final Map<String, Path> bridges = new HashMap<>();
  private final Map<Integer, Integer> nextSlot = new HashMap<>();
  private int nextGroup;

  SimRegistry(SimLayout layout) {
    this.layout = layout;
  }

  SimDevice existing(PciAddress address) {
    SimDevice device = devices.get(address);
    if (device == null) {
      throw new IllegalArgumentException(
          "tried to use device " + address + ", but the simulated node has none");
    }
    return device;
  }

  Optional<SimDevice> find(PciAddress address) {
    return Optional.ofNullable(devices.get(address));
  }

  Optional<SimDevice> at(Path realDir) {
    return devices.values().stream().filter(d -> d.dir().equals(realDir)).findFirst();
  }

  List<SimDevice> all() {
    return List.copyOf(devices.values());
  }

  List<PciAddress> addresses() {
    return List.copyOf(devices.keySet());
  }

  Optional<SriovState> pf(PciAddress address) {
    return Optional.ofNullable(pfs.get(address));
  }

  void putPf(SriovState pf) {
    pfs.put(pf.device.address(), pf);
  }

  /** The next free group number; {@link #reserveGroups} moves it past groups taken by a PF. */
  int nextGroup() {
    return nextGroup;
  }

  void reserveGroups(int upTo) {
    nextGroup = Math.max(nextGroup, upTo);
  }

  void requireFree(PciAddress address) {
    if (devices.containsKey(address)) {
      throw new IllegalArgumentException(
          "tried to add device " + address + ", but the simulated node already has one there");
    }
  }

  /** Lays the device out and registers it. */
  void add(SimDevice device) throws IOException {
    requireFree(device.address());
    layout.addDevice(device);
    devices.put(device.address(), device);
    reserveGroups(device.group().number() + 1);
  }

  /** Removes the device's tree and its registration. */
  void remove(SimDevice device) throws IOException {
    layout.removeDevice(device);
    devices.remove(device.address());
  }

  /**
   * The directory a device on this address's bus sits in: {@code pci<D>:00} for bus 0, else a root
   * port {@code <D>:00:<n>.0} (bound to pcieport), one per bus, numbered in order of first use.
   */
  Path bridgeFor(PciAddress address) throws IOException {
    String domain = String.format("%04x", address.domain());
    Path host = layout.devicesTree.resolve("pci" + domain + ":00");
    if (address.bus() == 0) {
      Files.createDirectories(host);
      return host;
    }
    String key = domain + ":" + address.bus();
    Path existing = bridges.get(key);
    if (existing != null) {
      return existing;
    }
    int slot = nextSlot.merge(address.domain(), 1, Integer::sum);
    if (slot > 0x1f) {
      throw new IllegalStateException(
          "tried to add a root port for bus " + key + ", but domain " + domain + " has 31 already");
    }
    PciAddress port = new PciAddress(address.domain(), 0, slot, 0);
    SimDevice bridge =
        new SimDevice(
            port,
            ROOT_PORT,
            SimDevice.Kind.BRIDGE,
            host.resolve(port.toString()),
            new VfioGroup(nextGroup, false),
            Optional.empty(),
            -1,
            -1);
    add(bridge);
    layout.bind(bridge, "pcieport");
    bridges.put(key, bridge.dir());
    return bridge.dir();
  }
}
