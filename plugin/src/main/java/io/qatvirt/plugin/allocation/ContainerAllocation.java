package io.qatvirt.plugin.allocation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one container gets: its device nodes and environment, in a stable order.
 *
 * @param devices {@code /dev/vfio/vfio} first, then each distinct group node once
 * @param envs variable name to value, in insertion order
 */
public record ContainerAllocation(List<DeviceNode> devices, Map<String, String> envs) {
  public ContainerAllocation {
    devices = List.copyOf(devices);
    envs = Collections.unmodifiableMap(new LinkedHashMap<>(envs));
  }
}
