package io.qatvirt.plugin.sim;

import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.PciId;
import io.qatvirt.plugin.sysfs.SysfsWriter;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Applies sysfs writes to a {@link SimulatedNode} as Linux (6.1, checked in a QEMU guest) does:
 * {@code driver_override} stores its value; a driver's {@code unbind}/{@code bind}, {@code
 * bus/pci/drivers_probe}, {@code new_id}/{@code remove_id}, a PF's {@code sriov_numvfs} and {@code
 * sriov_drivers_autoprobe}, and a Gen4+ PF's {@code qat/state} and {@code qat/cfg_services} act.
 *
 * <p>The kernel's answers: an address that names no device (malformed or absent) is {@code ENODEV};
 * {@code drivers_probe} succeeds even when no driver takes the device (vfio-pci not loaded, a
 * pre-Gen4 QAT VF refused by vfio-pci's denylist) or when it is already bound, and leaves it as it
 * was; a driver's {@code bind} is {@code EBUSY} for a bound device, {@code ENODEV} when the driver
 * does not match, {@code EINVAL} when vfio-pci refuses a denylisted device; {@code unbind} is
 * {@code ENODEV} for a device not on that driver. Writing a read-only attribute is {@link
 * AccessDeniedException}, a missing one {@link NoSuchFileException}. A value may end in one newline
 * (as {@code echo} writes it) or not. Records every write.
 */
public final class SimulatedKernel implements SysfsWriter {

  private static final Set<String> SERVICES = Set.of("sym", "asym", "dc", "dcc", "decomp");

  /** One write the kernel received, and whether it succeeded. */
  public record Write(Path attribute, String value, boolean succeeded) {}

  private final SimulatedNode node;
  private final List<Write> writes = new ArrayList<>();

  public SimulatedKernel(SimulatedNode node) {
    this.node = node;
  }

  /** Every write so far, in order. */
  public synchronized List<Write> writes() {
    return List.copyOf(writes);
  }

  @Override
  public void write(Path attribute, String value) throws IOException {
    boolean ok = false;
    try {
      synchronized (node) {
        apply(attribute, value.endsWith("\n") ? value.substring(0, value.length() - 1) : value);
      }
      ok = true;
    } finally {
      synchronized (this) {
        writes.add(new Write(attribute, value, ok));
      }
    }
  }

  private void apply(Path attribute, String value) throws IOException {
    Path parent = attribute.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new NoSuchFileException(attribute.toString());
    }
    Path dir = parent.toRealPath();
    String name = attribute.getFileName().toString();
    SimLayout layout = node.layout;
    Path sysfs = layout.sysfs.toRealPath();
    if (dir.equals(sysfs.resolve("bus/pci")) && name.equals("drivers_probe")) {
      PciAddress address = address(value);
      requirePresent(address);
      if (node.driver(address).isEmpty()) {
        try {
          node.bind(address, node.probeDriver(address));
        } catch (IOException noDriverTookIt) {
          // the kernel ignores probe failures here: the write succeeds, the device stays unbound
        }
      }
      return;
    }
    if (sysfs.resolve("bus/pci/drivers").equals(dir.getParent())) {
      driverFile(dir.getFileName().toString(), name, value);
      return;
    }
    boolean qat = dir.getFileName() != null && dir.getFileName().toString().equals("qat");
    Path deviceDir = qat ? dir.getParent() : dir;
    if (deviceDir.startsWith(sysfs.resolve("devices"))) {
      Optional<SimDevice> device = node.deviceAt(layout.sysfs.resolve(sysfs.relativize(deviceDir)));
      if (device.isPresent()) {
        deviceFile(device.get(), qat ? "qat/" + name : name, value);
        return;
      }
    }
    throw notWritable(attribute);
  }

  private void driverFile(String driver, String name, String value) throws IOException {
    switch (name) {
      case "bind" -> {
        PciAddress address = address(value);
        requirePresent(address);
        if (node.driver(address).isPresent()) {
          throw Errno.EBUSY.exception();
        }
        String override = node.driverOverride(address);
        boolean matches =
            override.equals("(null)")
                ? matchesWithoutOverride(address, driver)
                : override.equals(driver);
        if (!matches) {
          throw Errno.ENODEV.exception();
        }
        node.bind(address, driver);
      }
      case "unbind" -> {
        PciAddress address = address(value);
        requirePresent(address);
        if (!node.driver(address).filter(driver::equals).isPresent()) {
          throw Errno.ENODEV.exception();
        }
        node.unbind(address);
      }
      case "new_id" -> node.addDynamicId(driver, dynamicId(value));
      case "remove_id" -> node.removeDynamicId(driver, dynamicId(value));
      default -> throw new AccessDeniedException(name);
    }
  }

  private boolean matchesWithoutOverride(PciAddress address, String driver) throws IOException {
    try {
      return node.probeDriver(address).equals(driver);
    } catch (IOException noDriver) {
      return false;
    }
  }

  private void deviceFile(SimDevice device, String name, String value) throws IOException {
    Path file = device.dir().resolve(name);
    switch (name) {
      case "driver_override" -> SimTree.write(file, (value.isEmpty() ? "(null)" : value) + "\n");
      case "sriov_numvfs" -> {
        requirePf(device);
        node.setNumVfs(device.address(), number(value));
      }
      case "sriov_drivers_autoprobe" -> {
        requirePf(device);
        if (!value.equals("0") && !value.equals("1")) {
          throw Errno.EINVAL.exception();
        }
        SimTree.write(file, value + "\n");
      }
      case "qat/state" -> {
        requireQat(file);
        String now = SimTree.read(file).trim();
        if (!(value.equals("up") || value.equals("down")) || value.equals(now)) {
          throw Errno.EINVAL.exception();
        }
        SimTree.write(file, value + "\n");
      }
      case "qat/cfg_services" -> {
        requireQat(file);
        if (SimTree.read(file.resolveSibling("state")).trim().equals("up")
            || !validServices(value)) {
          throw Errno.EINVAL.exception();
        }
        SimTree.write(file, value + "\n");
      }
      default -> throw notWritable(file);
    }
  }

  private static boolean validServices(String value) {
    String[] parts = value.split(";", -1);
    return Set.of(parts).size() == parts.length
        && java.util.Arrays.stream(parts).allMatch(SERVICES::contains);
  }

  private static void requirePf(SimDevice device) throws IOException {
    if (device.kind() != SimDevice.Kind.PF) {
      throw new NoSuchFileException(device.dir().toString());
    }
  }

  private static void requireQat(Path file) throws IOException {
    if (!Files.exists(file)) {
      throw new NoSuchFileException(file.toString());
    }
  }

  private void requirePresent(PciAddress address) throws IOException {
    if (!node.exists(address)) {
      throw Errno.ENODEV.exception();
    }
  }

  private static IOException notWritable(Path attribute) {
    return Files.exists(attribute)
        ? new AccessDeniedException(attribute.toString())
        : new NoSuchFileException(attribute.toString());
  }

  private static PciAddress address(String value) throws IOException {
    return PciAddress.parse(value).orElseThrow(Errno.ENODEV::exception);
  }

  private static int number(String value) throws IOException {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw Errno.EINVAL.exception();
    }
  }

  private static PciId dynamicId(String value) throws IOException {
    String[] fields = value.trim().split("\\s+");
    if (fields.length < 2) {
      throw Errno.EINVAL.exception();
    }
    return PciId.parse(fields[0] + ":" + fields[1]).orElseThrow(Errno.EINVAL::exception);
  }
}
