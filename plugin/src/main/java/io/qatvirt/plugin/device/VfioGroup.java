package io.qatvirt.plugin.device;

/**
 * The IOMMU group of a VF and the {@code /dev/vfio} node that opens it: {@code /dev/vfio/<N>}, or
 * {@code /dev/vfio/noiommu-<N>} in no-IOMMU mode.
 */
public record VfioGroup(int number, boolean noIommu) {

  /** The container node every VFIO user also needs. */
  public static final String CONTAINER_NODE = "/dev/vfio/vfio";

  public VfioGroup {
    if (number < 0) {
      throw new IllegalArgumentException("IOMMU group must not be negative: " + number);
    }
  }

  /** File name under {@code /dev/vfio}: {@code 7} or {@code noiommu-7}. */
  public String nodeName() {
    return noIommu ? "noiommu-" + number : Integer.toString(number);
  }

  /** Path of the node on the host, as the container runtime sees it: {@code /dev/vfio/7}. */
  public String devicePath() {
    return "/dev/vfio/" + nodeName();
  }
}
