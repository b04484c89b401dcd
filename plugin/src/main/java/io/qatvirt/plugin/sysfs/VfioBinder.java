package io.qatvirt.plugin.sysfs;

import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.VfioGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Binds one VF to vfio-pci the way that works on a real kernel: {@code vfio-pci} to its {@code
 * driver_override}, its address to its current driver's {@code unbind} (if it has one), its address
 * to {@code bus/pci/drivers_probe}; then checks that the {@code driver} link names vfio-pci and
 * waits a short bounded time for {@code <dev>/vfio/<group>} (udev can lag). A VF already on
 * vfio-pci is never written to. Never throws: failures come back as a sentence an admin can act on.
 */
public final class VfioBinder {

  /** The driver every advertised VF is bound to. */
  public static final String VFIO_PCI = "vfio-pci";

  public static final Duration DEFAULT_NODE_WAIT = Duration.ofSeconds(1);
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(10);

  private final Path devicesDir;
  private final Path driversProbe;
  private final Path vfioDir;
  private final SysfsWriter writer;
  private final Duration nodeWait;
  private final Duration pollInterval;

  public VfioBinder(Path sysfsRoot, Path devRoot, SysfsWriter writer) {
    this(sysfsRoot, devRoot, writer, DEFAULT_NODE_WAIT, DEFAULT_POLL_INTERVAL);
  }

  public VfioBinder(
      Path sysfsRoot, Path devRoot, SysfsWriter writer, Duration nodeWait, Duration pollInterval) {
    Path sysfs = sysfsRoot.toAbsolutePath().normalize();
    this.devicesDir = sysfs.resolve("bus/pci/devices");
    this.driversProbe = sysfs.resolve("bus/pci/drivers_probe");
    this.vfioDir = devRoot.toAbsolutePath().normalize().resolve("vfio");
    this.writer = Objects.requireNonNull(writer, "writer");
    this.nodeWait = Objects.requireNonNull(nodeWait, "nodeWait");
    this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
  }

  /** Binds {@code vf} (of IOMMU group {@code group}) to vfio-pci, or says why it could not. */
  public BindResult bind(PciAddress vf, VfioGroup group) {
    long start = System.nanoTime();
    Path dev = devicesDir.resolve(vf.toString());
    Optional<String> driver;
    try {
      driver = driverOf(dev);
    } catch (IOException e) {
      return failed(vf, "its driver link could not be read: " + SysfsFiles.explain(e));
    }
    if (driver.filter(VFIO_PCI::equals).isEmpty()) {
      Path override = dev.resolve("driver_override");
      try {
        writer.write(override, VFIO_PCI);
      } catch (IOException e) {
        return failed(vf, writeFailure(override, e));
      }
      if (driver.isPresent()) {
        Path unbind = dev.resolve("driver").resolve("unbind");
        try {
          writer.write(unbind, vf.toString());
        } catch (IOException e) {
          return failed(vf, "unbinding it from " + driver.get() + " failed: " + explain(unbind, e));
        }
      }
      try {
        writer.write(driversProbe, vf.toString());
      } catch (IOException e) {
        return failed(vf, probeFailure(e));
      }
      Optional<String> after;
      try {
        after = driverOf(dev);
      } catch (IOException e) {
        return failed(vf, "its driver link could not be read: " + SysfsFiles.explain(e));
      }
      if (after.isEmpty()) {
        return failed(vf, noDriver(""));
      }
      if (!after.get().equals(VFIO_PCI)) {
        return failed(vf, "the kernel bound it to " + after.get() + " despite driver_override");
      }
    }
    return awaitNode(vf, group, start);
  }

  private BindResult awaitNode(PciAddress vf, VfioGroup group, long start) {
    Path node = vfioDir.resolve(group.nodeName());
    long deadline = System.nanoTime() + nodeWait.toNanos();
    while (!Files.exists(node)) {
      if (System.nanoTime() - deadline >= 0) {
        return failed(
            vf,
            group.devicePath()
                + " did not appear within "
                + nodeWait.toMillis()
                + " ms: is udev/devtmpfs working and /dev mounted into the plugin?");
      }
      try {
        Thread.sleep(Math.max(1, pollInterval.toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return failed(vf, "the plugin was interrupted while waiting for " + group.devicePath());
      }
    }
    return new BindResult.Bound(Duration.ofNanos(System.nanoTime() - start));
  }

  private Optional<String> driverOf(Path dev) throws IOException {
    Optional<Path> target = SysfsFiles.linkTarget(dev.resolve("driver"));
    if (target.isEmpty()) {
      return Optional.empty();
    }
    Path name = target.get().getFileName();
    return Optional.of(name == null ? "" : name.toString());
  }

  private static BindResult failed(PciAddress vf, String why) {
    return new BindResult.Failed("tried to bind " + vf + " to vfio-pci, but " + why);
  }

  private static String noDriver(String errno) {
    return "no driver accepted it"
        + errno
        + ": is vfio-pci loaded? pre-Gen4 QAT VFs need vfio-pci disable_denylist=1";
  }

  private static String probeFailure(IOException e) {
    return switch (KernelError.of(e)) {
      case ENODEV -> noDriver(" (ENODEV)");
      case EBUSY, EEXIST ->
          "the kernel says it is already bound ("
              + KernelError.of(e)
              + "): is another agent binding it at the same time?";
      case EINVAL -> "the kernel rejected its address (EINVAL)";
      default -> "asking the kernel to probe it failed: " + explain(Path.of("drivers_probe"), e);
    };
  }

  private static String writeFailure(Path file, IOException e) {
    if (KernelError.of(e) == KernelError.ENOENT) {
      return file
          + " does not exist: did the VF vanish, or is the kernel older than 3.16 (no"
          + " driver_override)?";
    }
    return "writing " + file.getFileName() + " failed: " + explain(file, e);
  }

  private static String explain(Path file, IOException e) {
    KernelError error = KernelError.of(e);
    return switch (error) {
      case EACCES, EPERM ->
          file
              + " is not writable ("
              + error
              + "): the plugin needs a privileged container with /sys mounted read-write";
      case OTHER -> SysfsFiles.explain(e);
      default -> error + " (" + SysfsFiles.explain(e) + ")";
    };
  }
}
