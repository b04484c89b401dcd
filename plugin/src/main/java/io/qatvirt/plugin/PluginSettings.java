package io.qatvirt.plugin;

import io.qatvirt.plugin.allocation.AllocationPolicy;
import io.qatvirt.plugin.sysfs.ScanConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Everything the running plugin is configured with (the plugin command's flags, parsed).
 *
 * @param scan where and what to scan, binding on or off
 * @param kubeletDir kubelet's device plugin directory (sockets)
 * @param policy how GetPreferredAllocation picks
 * @param scanPeriod time between full rescans
 * @param metricsPort where {@code /metrics} is served; empty for none
 * @param metricsAddress the address the metrics port binds to
 */
public record PluginSettings(
    ScanConfig scan,
    Path kubeletDir,
    AllocationPolicy policy,
    Duration scanPeriod,
    OptionalInt metricsPort,
    String metricsAddress) {

  /** Kubelet's device plugin directory on a node. */
  public static final Path DEFAULT_KUBELET_DIR = Path.of("/var/lib/kubelet/device-plugins");

  public PluginSettings {
    Objects.requireNonNull(scan, "scan");
    Objects.requireNonNull(kubeletDir, "kubeletDir");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(scanPeriod, "scanPeriod");
    Objects.requireNonNull(metricsPort, "metricsPort");
    Objects.requireNonNull(metricsAddress, "metricsAddress");
  }
}
