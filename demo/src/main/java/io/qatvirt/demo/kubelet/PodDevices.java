package io.qatvirt.demo.kubelet;

import io.qatvirt.plugin.api.v1beta1.ContainerAllocateResponse;
import io.qatvirt.plugin.api.v1beta1.DeviceSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges the Allocate answers of several resources into one container's options, as kubelet's
 * device manager does: the first device node for a container path wins, and so does the first value
 * of an environment variable (kubelet logs a conflicting later value and skips it).
 */
public final class PodDevices {

  /** A device node in the container. */
  public record Node(String containerPath, String hostPath, String permissions) {}

  private final Map<String, Node> devices = new LinkedHashMap<>();
  private final Map<String, String> envs = new LinkedHashMap<>();
  private final List<String> conflicts = new ArrayList<>();

  /** Adds one resource's answer for the container. */
  public void add(ContainerAllocateResponse response) {
    for (DeviceSpec spec : response.getDevicesList()) {
      devices.putIfAbsent(
          spec.getContainerPath(),
          new Node(spec.getContainerPath(), spec.getHostPath(), spec.getPermissions()));
    }
    response
        .getEnvsMap()
        .forEach(
            (name, value) -> {
              String first = envs.putIfAbsent(name, value);
              if (first != null && !first.equals(value)) {
                conflicts.add(
                    name
                        + " is set by two resources ("
                        + first
                        + ", "
                        + value
                        + "); kubelet keeps the first");
              }
            });
  }

  public List<Node> devices() {
    return List.copyOf(devices.values());
  }

  /** The container's environment from its devices, in the order set. */
  public Map<String, String> envs() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(envs));
  }

  public List<String> conflicts() {
    return List.copyOf(conflicts);
  }
}
