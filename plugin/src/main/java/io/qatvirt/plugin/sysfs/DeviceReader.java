package io.qatvirt.plugin.sysfs;

import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.PciId;
import io.qatvirt.plugin.device.Printable;
import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.device.VfioGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Reads one {@code <sysfs>/bus/pci/devices/<BDF>} entry into {@link VfFacts}. Every link it follows
 * is checked to point where the kernel puts such links before its name is used.
 */
final class DeviceReader {

  private final Path devicesDir;
  private final Path devicesTree;
  private final Path groupsDir;
  private final Path driversDir;
  private final Set<QatFamily> families;
  private final Set<PciId> extraIds;

  DeviceReader(ScanConfig config) {
    Path sysfs = config.sysfsRoot().toAbsolutePath().normalize();
    this.devicesDir = sysfs.resolve("bus/pci/devices");
    this.devicesTree = sysfs.resolve("devices");
    this.groupsDir = sysfs.resolve("kernel/iommu_groups");
    this.driversDir = sysfs.resolve("bus/pci/drivers");
    this.families = config.families();
    this.extraIds = new HashSet<>(config.extraVfIds());
  }

  Path devicesDir() {
    return devicesDir;
  }

  /**
   * The identity of the device directory behind an entry (its file key): a device removed and added
   * again at the same address is a new directory. Empty when the entry is gone.
   */
  Optional<Object> identity(String entryName) {
    try {
      Object key =
          Files.readAttributes(
                  devicesDir.resolve(entryName),
                  BasicFileAttributes.class,
                  LinkOption.NOFOLLOW_LINKS)
              .fileKey();
      return Optional.of(key == null ? new Object() : key);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Reads the facts fixed for the directory's life: {@link DeviceReading.Found} for one of ours.
   */
  DeviceReading readFixed(PciAddress address, String entryName) {
    Path entry = devicesDir.resolve(entryName);
    try {
      return readEntry(address, entry);
    } catch (NoSuchFileException e) {
      if (!Files.exists(entry)) {
        return DeviceReading.Skip.QUIETLY; // the device went away while we looked at it
      }
      return new DeviceReading.Broken(
          "tried to read PCI device " + address + ", but " + e.getFile() + " is missing");
    } catch (IOException | RuntimeException e) {
      return new DeviceReading.Broken(
          "tried to read PCI device " + address + ", but " + SysfsFiles.explain(e));
    }
  }

  private DeviceReading readEntry(PciAddress address, Path entry) throws IOException {
    Path dir = realDir(address, entry);
    String vendorText = SysfsFiles.firstLine(dir.resolve("vendor"));
    String deviceText = SysfsFiles.firstLine(dir.resolve("device"));
    int vendor = SysfsFiles.hexId(vendorText);
    int device = SysfsFiles.hexId(deviceText);
    if (vendor < 0 || device < 0) {
      String bad = vendor < 0 ? "vendor" : "device";
      String text = vendor < 0 ? vendorText : deviceText;
      return new DeviceReading.Broken(
          "tried to read PCI device "
              + address
              + ", but its "
              + bad
              + " file reads '"
              + Printable.of(text)
              + "', not a PCI ID such as 0x8086");
    }
    PciId id = new PciId(vendor, device);
    Optional<QatFamily> family =
        vendor == QatFamily.VENDOR_INTEL ? QatFamily.ofVfDevice(device) : Optional.empty();
    if (family.isPresent() && !families.contains(family.get())) {
      return new DeviceReading.Skip(
          "found "
              + family.get().vfDriver()
              + " VF "
              + address
              + ", but --kernel-vf-drivers does not enable "
              + family.get().vfDriver()
              + ": leaving it out");
    }
    if (family.isEmpty() && !extraIds.contains(id)) {
      return DeviceReading.Skip.QUIETLY;
    }
    if (family.isEmpty() && Files.exists(dir.resolve("sriov_totalvfs"))) {
      return new DeviceReading.Skip(
          "found "
              + id
              + " device "
              + address
              + " from --extra-vf-ids, but it is an SR-IOV PF, not a VF: leaving it out");
    }
    Optional<PciAddress> pf = physfn(dir);
    return new DeviceReading.Found(new StaticFacts(address, family, id, dir, pf, numaNode(dir)));
  }

  /**
   * Reads what may change from scan to scan (group, driver) through the device's memos: {@link
   * DeviceReading.Ready}, or broken, or gone.
   */
  DeviceReading readCurrent(
      StaticFacts fixed, LinkMemo<VfioGroup> groupLink, LinkMemo<String> driverLink) {
    try {
      Optional<VfioGroup> group = groupLink.read(target -> group(fixed.dir(), target));
      if (group.isEmpty()) {
        if (!Files.exists(fixed.dir())) {
          return DeviceReading.Skip.QUIETLY;
        }
        return new DeviceReading.Broken(
            "tried to find the IOMMU group of VF "
                + fixed.address()
                + ", but it has no iommu_group link: is the IOMMU on (intel_iommu=on)?");
      }
      Optional<String> driver = driverLink.read(target -> driver(fixed.dir(), target));
      return new DeviceReading.Ready(new VfFacts(fixed, group.get(), driver));
    } catch (IOException | RuntimeException e) {
      if (!Files.exists(fixed.dir())) {
        return DeviceReading.Skip.QUIETLY;
      }
      return new DeviceReading.Broken(
          "tried to read VF " + fixed.address() + ", but " + SysfsFiles.explain(e));
    }
  }

  private Path realDir(PciAddress address, Path entry) throws IOException {
    Path target =
        SysfsFiles.linkTarget(entry).orElseThrow(() -> new NoSuchFileException(entry.toString()));
    Path dir = SysfsFiles.resolveLink(devicesDir, target);
    if (!dir.startsWith(devicesTree) || !dir.getFileName().equals(entry.getFileName())) {
      throw new IOException(
          entry + " links to " + Printable.of(target.toString()) + ", not into " + devicesTree);
    }
    return dir;
  }

  private Optional<PciAddress> physfn(Path dir) throws IOException {
    Optional<Path> target = SysfsFiles.linkTarget(dir.resolve("physfn"));
    if (target.isEmpty()) {
      return Optional.empty();
    }
    Path pfDir = SysfsFiles.resolveLink(dir, target.get());
    Optional<PciAddress> pf =
        pfDir.getFileName() == null
            ? Optional.empty()
            : PciAddress.parse(pfDir.getFileName().toString());
    if (pf.isEmpty() || !dir.getParent().equals(pfDir.getParent())) {
      throw new IOException(
          "its physfn link points to " + Printable.of(target.get().toString()) + ", not to a PF");
    }
    return pf;
  }

  private VfioGroup group(Path dir, Path target) throws IOException {
    Path groupDir = SysfsFiles.resolveLink(dir, target);
    int number =
        groupDir.getFileName() == null
            ? -1
            : SysfsFiles.smallNumber(groupDir.getFileName().toString());
    if (number < 0 || !groupsDir.equals(groupDir.getParent())) {
      throw new IOException(
          "its iommu_group link points to "
              + Printable.of(target.toString())
              + ", not into "
              + groupsDir);
    }
    Path name = groupDir.resolve("name");
    boolean noIommu =
        Files.exists(name)
            && SysfsFiles.firstLineIfReadable(name).orElse("").equals("vfio-noiommu");
    return new VfioGroup(number, noIommu);
  }

  private static int numaNode(Path dir) {
    String text = SysfsFiles.firstLineIfReadable(dir.resolve("numa_node")).orElse("-1");
    int node = SysfsFiles.smallNumber(text);
    return node < 0 ? -1 : node;
  }

  private String driver(Path dir, Path target) throws IOException {
    Path driverDir = SysfsFiles.resolveLink(dir, target);
    String name = driverDir.getFileName() == null ? "" : driverDir.getFileName().toString();
    if (!SysfsFiles.DRIVER_NAME.matcher(name).matches()
        || !driversDir.equals(driverDir.getParent())) {
      throw new IOException(
          "its driver link points to "
              + Printable.of(target.toString())
              + ", not into "
              + driversDir);
    }
    return name;
  }
}
