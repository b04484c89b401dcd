package io.qatvirt.plugin.sysfs;

import io.qatvirt.plugin.device.Health;
import io.qatvirt.plugin.device.PciId;
import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.device.ScanFlags;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Where and what the scanner looks for.
 *
 * @param sysfsRoot {@code /sys} on a node
 * @param devRoot {@code /dev}: the VFIO nodes are {@code <devRoot>/vfio/<group>}
 * @param debugfsRoot {@code /sys/kernel/debug}: the QAT heartbeat lives there
 * @param families the QAT families whose VFs are advertised ({@code --kernel-vf-drivers})
 * @param extraVfIds further vendor:device IDs advertised as {@code generic} ({@code
 *     --extra-vf-ids})
 * @param maxNumDevices at most this many VFs are advertised, the first in the stable order
 * @param bind whether VFs not on vfio-pci are bound to it; false is {@code --no-bind}
 * @param heartbeatUnreadable how the VFs of a PF whose QAT heartbeat can't be read count ({@code
 *     --heartbeat-unreadable}); healthy by default
 */
public record ScanConfig(
    Path sysfsRoot,
    Path devRoot,
    Path debugfsRoot,
    Set<QatFamily> families,
    List<PciId> extraVfIds,
    int maxNumDevices,
    boolean bind,
    Health heartbeatUnreadable) {

  /** Default of {@code --max-num-devices}. */
  public static final int DEFAULT_MAX_NUM_DEVICES = 64;

  public ScanConfig {
    Objects.requireNonNull(sysfsRoot, "sysfsRoot");
    Objects.requireNonNull(devRoot, "devRoot");
    Objects.requireNonNull(debugfsRoot, "debugfsRoot");
    Objects.requireNonNull(heartbeatUnreadable, "heartbeatUnreadable");
    families = families.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(families));
    extraVfIds = List.copyOf(extraVfIds);
    if (maxNumDevices < 0) {
      throw new IllegalArgumentException(
          "tried to cap the VFs at " + maxNumDevices + ", but --max-num-devices must be >= 0");
    }
  }

  /** The defaults at these roots: {@code 4xxxvf,420xxvf}, no extra IDs, 64 VFs, binding on. */
  public static ScanConfig defaults(Path sysfsRoot, Path devRoot, Path debugfsRoot) {
    return new ScanConfig(
        sysfsRoot,
        devRoot,
        debugfsRoot,
        ScanFlags.defaultFamilies(),
        List.of(),
        DEFAULT_MAX_NUM_DEVICES,
        true,
        Health.HEALTHY);
  }

  /** The defaults at a node's real roots: {@code /sys}, {@code /dev}, {@code /sys/kernel/debug}. */
  public static ScanConfig node() {
    return defaults(Path.of("/sys"), Path.of("/dev"), Path.of("/sys/kernel/debug"));
  }

  public ScanConfig withFamilies(Set<QatFamily> newFamilies) {
    return new ScanConfig(
        sysfsRoot,
        devRoot,
        debugfsRoot,
        newFamilies,
        extraVfIds,
        maxNumDevices,
        bind,
        heartbeatUnreadable);
  }

  public ScanConfig withExtraVfIds(List<PciId> newIds) {
    return new ScanConfig(
        sysfsRoot,
        devRoot,
        debugfsRoot,
        families,
        newIds,
        maxNumDevices,
        bind,
        heartbeatUnreadable);
  }

  public ScanConfig withMaxNumDevices(int newMax) {
    return new ScanConfig(
        sysfsRoot, devRoot, debugfsRoot, families, extraVfIds, newMax, bind, heartbeatUnreadable);
  }

  public ScanConfig withBind(boolean newBind) {
    return new ScanConfig(
        sysfsRoot,
        devRoot,
        debugfsRoot,
        families,
        extraVfIds,
        maxNumDevices,
        newBind,
        heartbeatUnreadable);
  }

  public ScanConfig withHeartbeatUnreadable(Health newHealth) {
    return new ScanConfig(
        sysfsRoot, devRoot, debugfsRoot, families, extraVfIds, maxNumDevices, bind, newHealth);
  }
}
