package io.qatvirt.plugin.allocation;

/**
 * A device node the container runtime creates in the container.
 *
 * @param hostPath the node on the host, as the runtime sees it
 * @param containerPath where it appears in the container
 * @param permissions cgroup device permissions, {@code rw}
 */
public record DeviceNode(String hostPath, String containerPath, String permissions) {

  /** The same path on the host and in the container, read-write (VFIO needs no mknod). */
  public static DeviceNode readWrite(String path) {
    return new DeviceNode(path, path, "rw");
  }
}
