package io.qatvirt.plugin.device;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one scan found: the VFs to advertise, grouped by resource name ({@code
 * qat.intel.com/<kind>}), each list in the stable advertising order (PF address, then VF index
 * numerically; VFs without a PF by address). Immutable.
 */
public record DeviceSnapshot(Map<String, List<Vf>> byResource) {

  public static final DeviceSnapshot EMPTY = new DeviceSnapshot(Map.of());

  public DeviceSnapshot {
    Map<String, List<Vf>> copy = new LinkedHashMap<>();
    byResource.forEach((name, vfs) -> copy.put(name, List.copyOf(vfs)));
    byResource = Collections.unmodifiableMap(copy);
  }

  /** The VFs advertised under one resource name, in order; empty if none. */
  public List<Vf> vfs(String resourceName) {
    return byResource.getOrDefault(resourceName, List.of());
  }

  /** Looks a VF up by its device ID (address) within one resource. */
  public Optional<Vf> find(String resourceName, PciAddress address) {
    return vfs(resourceName).stream().filter(vf -> vf.address().equals(address)).findFirst();
  }
}
