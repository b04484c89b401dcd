package io.qatvirt.plugin.cli;

import io.qatvirt.common.DurationConverter;
import io.qatvirt.plugin.PluginSettings;
import io.qatvirt.plugin.RunningPlugin;
import io.qatvirt.plugin.allocation.AllocationPolicy;
import io.qatvirt.plugin.device.Health;
import io.qatvirt.plugin.kubelet.SocketInUseException;
import io.qatvirt.plugin.sysfs.FileSysfsWriter;
import io.qatvirt.plugin.sysfs.ScanConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code qat-device-plugin [flags]}: serves the node's QAT VFs to kubelet until SIGTERM. */
@Command(
    name = "qat-device-plugin",
    mixinStandardHelpOptions = true,
    version = "qat-device-plugin 0.1.0",
    subcommands = {QueryCommand.class},
    usageHelpWidth = 100,
    sortOptions = false,
    description = {
      "Kubelet device plugin (API v1beta1) for Intel QAT SR-IOV VFs, for KubeVirt VMs.",
      "Finds the VFs in sysfs, binds them to vfio-pci, advertises them as qat.intel.com/<kind>"
          + " (generic, or cy, dc, ... on Gen4+) with health and NUMA node, and answers"
          + " Allocate with the /dev/vfio nodes and PCI_RESOURCE_<NAME> for virt-launcher.",
      "Exit codes: 0 stopped by SIGTERM/SIGINT, 1 cannot serve (socket in use, kubelet dir"
          + " missing), 2 bad flags."
    })
public final class PluginCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Option(
      names = "--sysfs-root",
      defaultValue = "/sys",
      paramLabel = "<dir>",
      description = "Where sysfs is mounted (default: ${DEFAULT-VALUE}).")
  private Path sysfsRoot;

  @Option(
      names = "--dev-root",
      defaultValue = "/dev",
      paramLabel = "<dir>",
      description =
          "Where the plugin looks for vfio/<group> nodes (default: ${DEFAULT-VALUE}). Allocate"
              + " always names /dev/vfio/..., the path the container runtime sees.")
  private Path devRoot;

  @Option(
      names = "--debugfs-root",
      defaultValue = "/sys/kernel/debug",
      paramLabel = "<dir>",
      description = "Where debugfs is mounted, for the QAT heartbeat (default: ${DEFAULT-VALUE}).")
  private Path debugfsRoot;

  @Option(
      names = "--heartbeat-unreadable",
      defaultValue = "healthy",
      paramLabel = "<health>",
      converter = Converters.HealthConverter.class,
      description =
          "How the VFs of a PF count when its QAT heartbeat"
              + " (<debugfs-root>/qat_<driver>_<PF>/heartbeat/status) can't be read (missing,"
              + " denied, garbage): healthy or unhealthy (default: ${DEFAULT-VALUE}). Either way"
              + " it is logged once per PF and shown by the metric qat_pf_heartbeat_unreadable.")
  private Health heartbeatUnreadable;

  @Option(
      names = "--kubelet-dir",
      defaultValue = "/var/lib/kubelet/device-plugins",
      paramLabel = "<dir>",
      description =
          "Kubelet's device plugin directory with kubelet.sock (default: ${DEFAULT-VALUE}).")
  private Path kubeletDir;

  @Option(
      names = "--kernel-vf-drivers",
      defaultValue = "4xxxvf,420xxvf",
      paramLabel = "<names>",
      converter = Converters.VfDriversConverter.class,
      description =
          "Comma list of the VF kinds to advertise: dh895xccvf, c6xxvf, c3xxxvf, d15xxvf,"
              + " c4xxxvf, 4xxxvf, 420xxvf, 6xxxvf (default: ${DEFAULT-VALUE}).")
  private Converters.VfDrivers kernelVfDrivers;

  @Option(
      names = "--extra-vf-ids",
      defaultValue = "",
      paramLabel = "<vendor:device,...>",
      converter = Converters.ExtraVfIdsConverter.class,
      description =
          "Further PCI vendor:device IDs of VFs to advertise as qat.intel.com/generic, e.g."
              + " 8086:4941 (default: none).")
  private Converters.ExtraVfIds extraVfIds;

  @Option(
      names = "--max-num-devices",
      defaultValue = "64",
      paramLabel = "<n>",
      converter = Converters.MaxDevicesConverter.class,
      description =
          "Advertise at most this many VFs, the first by address (default: ${DEFAULT-VALUE}).")
  private int maxNumDevices;

  @Option(
      names = "--no-bind",
      description = "Never bind VFs to vfio-pci; advertise only those already on it.")
  private boolean noBind;

  @Option(
      names = "--dpdk-driver",
      defaultValue = "vfio-pci",
      paramLabel = "<driver>",
      converter = Converters.DpdkDriverConverter.class,
      description =
          "The driver VFs are bound to; only vfio-pci, which VMs need (accepted for"
              + " compatibility with Intel's plugin).")
  private String dpdkDriver;

  @Option(
      names = "--allocation-policy",
      defaultValue = "balanced",
      paramLabel = "<policy>",
      converter = Converters.PolicyConverter.class,
      description =
          "How GetPreferredAllocation picks: balanced (spread over PFs, one NUMA node where"
              + " possible), packed (fill one PF first), none (kubelet's order)"
              + " (default: ${DEFAULT-VALUE}).")
  private AllocationPolicy policy;

  @Option(
      names = "--scan-period",
      defaultValue = "5s",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description =
          "Time between full rescans, e.g. 500ms, 5s, 1m (default: ${DEFAULT-VALUE}). Changes"
              + " under <dev-root>/vfio trigger a rescan at once.")
  private Duration scanPeriod;

  @Option(
      names = "--metrics-port",
      paramLabel = "<port>",
      converter = Converters.PortConverter.class,
      description = "Serve Prometheus metrics on http://<address>:<port>/metrics (default: off).")
  private Integer metricsPort;

  @Option(
      names = "--metrics-address",
      defaultValue = "0.0.0.0",
      paramLabel = "<address>",
      description =
          "The address the metrics port binds to (default: ${DEFAULT-VALUE}, every interface, for Prometheus to scrape the pod IP).")
  private String metricsAddress;

  /** The parsed flags. */
  public PluginSettings settings() {
    ScanConfig scan =
        new ScanConfig(
            sysfsRoot,
            devRoot,
            debugfsRoot,
            kernelVfDrivers.families(),
            extraVfIds.ids(),
            maxNumDevices,
            !noBind,
            heartbeatUnreadable);
    return new PluginSettings(
        scan,
        kubeletDir,
        policy,
        scanPeriod,
        metricsPort == null ? OptionalInt.empty() : OptionalInt.of(metricsPort),
        metricsAddress);
  }

  @Override
  public Integer call() {
    RunningPlugin plugin;
    try {
      plugin = RunningPlugin.start(settings(), new FileSysfsWriter());
    } catch (SocketInUseException | IOException | UncheckedIOException e) {
      spec.commandLine().getErr().println("qat-device-plugin: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return 1;
    }
    CountDownLatch stop = new CountDownLatch(1);
    Signals.onTermination(stop::countDown);
    Runtime.getRuntime().addShutdownHook(new Thread(plugin::close, "shutdown"));
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    plugin.close();
    return 0;
  }
}
