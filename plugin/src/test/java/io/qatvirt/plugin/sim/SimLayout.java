package io.qatvirt.plugin.sim;

import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.VfioGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Lays devices out the way Linux does: real directories under {@code sys/devices/pci<D>:00/...},
 * relative links from {@code bus/pci/devices}, {@code driver}, {@code iommu_group}, the group's
 * {@code devices}, and the /dev/vfio nodes (regular empty files standing in for character devices:
 * the plugin only checks that they exist and passes their paths on).
 */
final class SimLayout {

  final Path sysfs;
  final Path dev;
  final Path debugfs;
  final Path devicesTree;
  final Path busDevices;
  final Path drivers;
  final Path groups;
  final Path vfio;

  SimLayout(Path root) {
    Path abs = root.toAbsolutePath().normalize();
    this.sysfs = abs.resolve("sys");
    this.dev = abs.resolve("dev");
    this.debugfs = sysfs.resolve("kernel/debug");
    this.devicesTree = sysfs.resolve("devices");
    this.busDevices = sysfs.resolve("bus/pci/devices");
    this.drivers = sysfs.resolve("bus/pci/drivers");
    this.groups = sysfs.resolve("kernel/iommu_groups");
    this.vfio = dev.resolve("vfio");
  }

  void createRoots() throws IOException {
    Files.createDirectories(devicesTree);
    Files.createDirectories(busDevices);
    Files.createDirectories(drivers);
    Files.createDirectories(groups);
    Files.createDirectories(debugfs);
    SimTree.write(sysfs.resolve("bus/pci/drivers_probe"), "");
    SimTree.write(sysfs.resolve("bus/pci/rescan"), "");
    SimTree.write(vfio.resolve("vfio"), "");
  }

  /** Creates the device's directory, attribute files and links; unbound. */
  void addDevice(SimDevice device) throws IOException {
    Path dir = device.dir();
    Files.createDirectories(dir);
    SriovDeviceType ids = device.ids();
    SimTree.write(dir.resolve("vendor"), String.format("0x%04x%n", ids.vendor()));
    SimTree.write(dir.resolve("device"), String.format("0x%04x%n", device.deviceId()));
    SimTree.write(dir.resolve("class"), String.format("0x%06x%n", ids.classCode()));
    SimTree.write(dir.resolve("numa_node"), device.numaNode() + "\n");
    SimTree.write(dir.resolve("driver_override"), "(null)\n");
    SimTree.write(dir.resolve("uevent"), uevent(device, Optional.empty()));
    SimTree.link(dir.resolve("subsystem"), sysfs.resolve("bus/pci"));
    Path group = groups.resolve(Integer.toString(device.group().number()));
    SimTree.link(dir.resolve("iommu_group"), group);
    SimTree.link(group.resolve("devices").resolve(device.address().toString()), dir);
    if (device.group().noIommu()) {
      SimTree.write(group.resolve("name"), "vfio-noiommu\n");
    }
    SimTree.link(busDevices.resolve(device.address().toString()), dir);
  }

  /** A PF's SR-IOV attributes (no VFs yet), Gen4+ qat/ files and the QAT heartbeat. */
  void addPfAttributes(SimDevice pf, PfBuilder spec) throws IOException {
    Path dir = pf.dir();
    SimTree.write(dir.resolve("sriov_totalvfs"), spec.total() + "\n");
    SimTree.write(dir.resolve("sriov_numvfs"), "0\n");
    SimTree.write(dir.resolve("sriov_drivers_autoprobe"), "1\n");
    SimTree.write(dir.resolve("sriov_offset"), spec.ids.vfOffset() + "\n");
    SimTree.write(dir.resolve("sriov_stride"), "1\n");
    SimTree.write(dir.resolve("sriov_vf_device"), String.format("%04x%n", spec.ids.vfDevice()));
    if (spec.ids.serviceAware()) {
      SimTree.write(dir.resolve("qat/state"), spec.state + "\n");
      SimTree.write(dir.resolve("qat/cfg_services"), spec.services + "\n");
      SimTree.write(dir.resolve("qat/auto_reset"), "off\n");
    }
    if (spec.ids.qatFamily().isPresent()) {
      SimTree.write(heartbeat(spec.ids, pf.address()), "0\n");
    }
  }

  /** Removes the device's directory and every link to it (as hot-unplug or sriov_numvfs 0). */
  void removeDevice(SimDevice device) throws IOException {
    String bdf = device.address().toString();
    Path group = groups.resolve(Integer.toString(device.group().number()));
    Files.deleteIfExists(group.resolve("devices").resolve(bdf));
    if (isEmptyDir(group.resolve("devices"))) {
      SimTree.deleteTree(group);
    }
    Files.deleteIfExists(busDevices.resolve(bdf));
    SimTree.deleteTree(device.dir());
  }

  Optional<String> driver(SimDevice device) throws IOException {
    Path link = device.dir().resolve("driver");
    if (!Files.isSymbolicLink(link)) {
      return Optional.empty();
    }
    return Optional.of(Files.readSymbolicLink(link).getFileName().toString());
  }

  /** {@code driver_override} without its newline: {@code (null)} when unset. */
  String driverOverride(SimDevice device) throws IOException {
    return SimTree.read(device.dir().resolve("driver_override")).trim();
  }

  boolean driverLoaded(String name) {
    return Files.isDirectory(drivers.resolve(name));
  }

  void loadDriver(String name) throws IOException {
    Path dir = drivers.resolve(name);
    for (String file : new String[] {"bind", "unbind", "new_id", "remove_id", "uevent"}) {
      if (!Files.exists(dir.resolve(file))) {
        SimTree.write(dir.resolve(file), "");
      }
    }
  }

  void unloadDriver(String name) throws IOException {
    SimTree.deleteTree(drivers.resolve(name));
  }

  /** Binds the (unbound) device to a loaded driver; vfio-pci creates the group's node. */
  void bind(SimDevice device, String driver) throws IOException {
    Path driverDir = drivers.resolve(driver);
    SimTree.link(device.dir().resolve("driver"), driverDir);
    SimTree.link(driverDir.resolve(device.address().toString()), device.dir());
    SimTree.write(device.dir().resolve("uevent"), uevent(device, Optional.of(driver)));
    if (driver.equals("vfio-pci")) {
      SimTree.write(vfioNode(device.group()), "");
    }
  }

  /** Unbinds a bound device; leaving vfio-pci removes the group's node. */
  void unbind(SimDevice device, String driver, boolean lastOfGroupOnVfio) throws IOException {
    Files.deleteIfExists(device.dir().resolve("driver"));
    Files.deleteIfExists(drivers.resolve(driver).resolve(device.address().toString()));
    SimTree.write(device.dir().resolve("uevent"), uevent(device, Optional.empty()));
    if (driver.equals("vfio-pci") && lastOfGroupOnVfio) {
      Files.deleteIfExists(vfioNode(device.group()));
    }
  }

  Path vfioNode(VfioGroup group) {
    return vfio.resolve(group.nodeName());
  }

  Path heartbeat(SriovDeviceType ids, PciAddress pf) {
    return debugfs.resolve("qat_" + ids.pfDriver() + "_" + pf).resolve("heartbeat/status");
  }

  private static String uevent(SimDevice device, Optional<String> driver) {
    SriovDeviceType ids = device.ids();
    int cls = ids.classCode();
    StringBuilder out = new StringBuilder();
    driver.ifPresent(d -> out.append("DRIVER=").append(d).append('\n'));
    out.append(String.format("PCI_CLASS=%X%n", cls));
    out.append(String.format("PCI_ID=%04X:%04X%n", ids.vendor(), device.deviceId()));
    out.append(String.format("PCI_SUBSYS_ID=%04X:0000%n", ids.vendor()));
    out.append("PCI_SLOT_NAME=").append(device.address()).append('\n');
    out.append(
        String.format(
            "MODALIAS=pci:v%08Xd%08Xsv%08Xsd00000000bc%02Xsc%02Xi%02X%n",
            ids.vendor(),
            device.deviceId(),
            ids.vendor(),
            cls >> 16,
            (cls >> 8) & 0xff,
            cls & 0xff));
    return out.toString();
  }

  private static boolean isEmptyDir(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (var entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }
}
