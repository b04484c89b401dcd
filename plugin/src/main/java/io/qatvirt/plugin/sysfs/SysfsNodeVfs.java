package io.qatvirt.plugin.sysfs;

import io.qatvirt.plugin.allocation.NodeVfs;
import io.qatvirt.plugin.allocation.VfOnNode;
import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.Printable;
import io.qatvirt.plugin.device.VfioGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * Reads one VF on the node at the time of an Allocate call: whether {@code
 * <sysfs>/bus/pci/devices/<BDF>} exists, the driver its {@code driver} link names, the group its
 * {@code iommu_group} link names, and whether {@code <dev>/vfio/<group>} exists. Only names are
 * taken from link targets, each checked before it is used in a path. Never throws; thread-safe.
 */
public final class SysfsNodeVfs implements NodeVfs {

  private final Path devicesDir;
  private final Path vfioDir;
  private final Set<String> vfioDrivers;

  /** Counts only vfio-pci as a VFIO driver. */
  public SysfsNodeVfs(Path sysfsRoot, Path devRoot) {
    this(sysfsRoot, devRoot, Set.of(VfioBinder.VFIO_PCI));
  }

  /**
   * @param vfioDrivers the drivers a VF may be on to be handed out (e.g. {@code vfio-pci})
   */
  public SysfsNodeVfs(Path sysfsRoot, Path devRoot, Set<String> vfioDrivers) {
    this.devicesDir = sysfsRoot.toAbsolutePath().normalize().resolve("bus/pci/devices");
    this.vfioDir = devRoot.toAbsolutePath().normalize().resolve("vfio");
    this.vfioDrivers = Set.copyOf(vfioDrivers);
  }

  @Override
  public VfOnNode read(PciAddress address) {
    Path entry = devicesDir.resolve(address.toString());
    try {
      if (!Files.isDirectory(entry)) {
        return new VfOnNode.Gone();
      }
      Optional<String> driver = driver(entry);
      Optional<VfioGroup> group = group(entry);
      boolean nodePresent =
          group.isPresent() && Files.exists(vfioDir.resolve(group.get().nodeName()));
      return new VfOnNode.Present(driver, vfioDrivers, group, nodePresent);
    } catch (IOException | RuntimeException e) {
      if (!Files.isDirectory(entry)) {
        return new VfOnNode.Gone(); // removed while we read it
      }
      return new VfOnNode.Unreadable(SysfsFiles.explain(e));
    }
  }

  private static Optional<String> driver(Path entry) throws IOException {
    Optional<Path> target = SysfsFiles.linkTarget(entry.resolve("driver"));
    if (target.isEmpty()) {
      return Optional.empty();
    }
    Path name = target.get().getFileName();
    if (name == null || !SysfsFiles.DRIVER_NAME.matcher(name.toString()).matches()) {
      throw new IOException(
          "its driver link points to " + Printable.of(target.get().toString()) + ", not a driver");
    }
    return Optional.of(name.toString());
  }

  private static Optional<VfioGroup> group(Path entry) throws IOException {
    Path link = entry.resolve("iommu_group");
    Optional<Path> target = SysfsFiles.linkTarget(link);
    if (target.isEmpty()) {
      return Optional.empty();
    }
    Path name = target.get().getFileName();
    int number = name == null ? -1 : SysfsFiles.smallNumber(name.toString());
    if (number < 0) {
      throw new IOException(
          "its iommu_group link points to "
              + Printable.of(target.get().toString())
              + ", not to an IOMMU group");
    }
    boolean noIommu =
        SysfsFiles.firstLineIfReadable(link.resolve("name")).orElse("").equals("vfio-noiommu");
    return Optional.of(new VfioGroup(number, noIommu));
  }
}
