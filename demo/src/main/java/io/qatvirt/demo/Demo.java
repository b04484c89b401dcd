package io.qatvirt.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.qatvirt.demo.kubelet.PodDevices;
import io.qatvirt.demo.launcher.LauncherDevices;
import io.qatvirt.demo.node.DemoNode;
import io.qatvirt.demo.webhook.SampleMutation;
import io.qatvirt.plugin.PluginSettings;
import io.qatvirt.plugin.RunningPlugin;
import io.qatvirt.plugin.api.v1beta1.Device;
import io.qatvirt.plugin.cli.Cli;
import io.qatvirt.plugin.cli.PluginCommand;
import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.kubelet.UnixSocketTransport;
import io.qatvirt.plugin.sim.SimulatedKernel;
import io.qatvirt.plugin.testing.FakeKubelet;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The story, told on a simulated node: the node's QAT VFs, the real plugin binding and advertising
 * them to a kubelet stand-in over real Unix sockets, the webhook's patch for a sample VM, kubelet
 * allocating for the VM's launcher pod, and virt-launcher mapping the result to the VM's devices.
 */
public final class Demo {
  static final String CY = "qat.intel.com/cy";
  static final String DC = "qat.intel.com/dc";
  static final String SAMPLE = "gen4-cy-dc-vm.yaml";
  static final String GATEWAY = "ipsec-gateway-vmi.yaml";

  private static final Logger LOG = LoggerFactory.getLogger(Demo.class);

  private final PrintStream out;

  public Demo(PrintStream out) {
    this.out = out;
  }

  /** Runs the whole story in {@code workDir} (which must exist and be empty). */
  public void run(Path workDir) throws Exception {
    long started = System.nanoTime();
    out.println("qatvirt demo: Intel QAT VFs for KubeVirt VMs, on a simulated node");
    out.println("(no cluster, no QAT hardware: the node's sysfs is laid out in " + workDir + ")");

    heading("1. The node");
    DemoNode node = DemoNode.create(workDir.resolve("node"));
    for (DemoNode.Pf pf : node.pfs()) {
      out.printf(
          "  PF %s  QAT 4xxx (8086:4940)  qat/cfg_services=%-8s  %d VFs  NUMA node %d%n",
          pf.pf().address(), pf.services(), pf.pf().vfs().size(), pf.numaNode());
    }
    out.printf(
        "  VFs on vfio-pci: %d of %d (the others have no driver, as Gen4 VFs come up)%n",
        node.onVfioPci(), node.vfs().size());

    heading("2. The device plugin starts");
    Path kubeletDir = Files.createDirectories(workDir.resolve("device-plugins"));
    List<String> flags =
        List.of(
            "--sysfs-root=" + node.simulated().sysfsRoot(),
            "--dev-root=" + node.simulated().devRoot(),
            "--debugfs-root=" + node.simulated().debugfsRoot(),
            "--kubelet-dir=" + kubeletDir,
            "--scan-period=1s");
    out.println("  qat-device-plugin " + String.join(" \\\n      ", flags));
    PluginSettings settings = parseFlags(flags);
    SimulatedKernel kernel = node.simulated().kernel();
    try (UnixSocketTransport kubeletTransport = new UnixSocketTransport();
        FakeKubelet kubelet = new FakeKubelet(kubeletDir, kubeletTransport);
        RunningPlugin plugin = startPlugin(kubelet, settings, kernel)) {
      var registered = kubelet.awaitResources(Set.of(CY, DC), Duration.ofSeconds(30));
      for (String resource : List.of(CY, DC)) {
        out.printf(
            "  kubelet: plugin registered %s at %s%n",
            resource, registered.get(resource).getEndpoint());
      }
      out.printf(
          "  VFs on vfio-pci now: %d of %d (the plugin bound the other %d: %d sysfs writes,"
              + " driver_override then drivers_probe)%n",
          node.onVfioPci(),
          node.vfs().size(),
          node.vfs().size() - 2 * DemoNode.PREBOUND,
          kernel.writes().size());

      heading("3. What kubelet sees (ListAndWatch)");
      for (String resource : List.of(CY, DC)) {
        List<Device> devices = kubelet.devices(resource);
        long healthy = devices.stream().filter(d -> d.getHealth().equals("Healthy")).count();
        out.printf(
            "  %s: capacity %d, allocatable %d, NUMA node %s%n",
            resource, devices.size(), healthy, numaNodes(devices));
        out.printf("    %s%n", ids(devices));
      }

      heading("4. The webhook mutates samples/vmi/" + SAMPLE);
      SampleMutation mutation = SampleMutation.withDefaults();
      JsonNode vm = mutation.readSample(SAMPLE);
      out.println("  annotations: " + vm.at("/spec/template/metadata/annotations"));
      SampleMutation.Result result = mutation.mutate(vm);
      out.println("  JSON Patch:  " + result.patch());
      JsonNode hostDevices =
          result.patched().orElseThrow().at("/spec/template/spec/domain/devices/hostDevices");
      out.println("  spec.template.spec.domain.devices.hostDevices:");
      for (JsonNode device : hostDevices) {
        out.printf(
            "    - name: %s, deviceName: %s%n",
            device.path("name").asText(), device.path("deviceName").asText());
      }

      JsonNode gateway = mutation.readSample(GATEWAY);
      SampleMutation.Result gatewayResult = mutation.mutate(gateway);
      out.println("  (samples/vmi/" + GATEWAY + ", a VMI, gets " + gatewayResult.patch() + ";");
      out.println(
          "   this node advertises no qat.intel.com/generic, so its launcher pod would stay"
              + " Pending)");

      heading("5. Kubelet allocates for the VM's launcher pod (container compute)");
      out.println("  virt-controller asks for 1 per hostDevices entry: " + result.requested());
      PodDevices pod = new PodDevices();
      for (String resource : List.of(CY, DC)) {
        FakeKubelet.Allocation allocation = kubelet.allocate(resource, 1);
        out.printf("  Allocate(%s, %s)%n", resource, allocation.deviceIds());
        pod.add(allocation.response());
      }
      for (PodDevices.Node dev : pod.devices()) {
        out.printf("    device %s (%s)%n", dev.containerPath(), dev.permissions());
      }
      for (Map.Entry<String, String> env : pod.envs().entrySet()) {
        out.printf("    env %s=%s%n", env.getKey(), env.getValue());
      }
      for (String conflict : pod.conflicts()) {
        out.println("    note: " + conflict);
      }

      heading("6. virt-launcher attaches the VFs to the VM");
      for (LauncherDevices.Attached a : LauncherDevices.attach(hostDevices, pod.envs())) {
        out.printf(
            "  hostdev %s (%s) <- %s=%s, <hostdev managed='no'> on %s%n",
            a.name(),
            a.deviceName(),
            a.variable(),
            a.pciAddress(),
            node.driver(PciAddress.parse(a.pciAddress()).orElseThrow()).orElse("no driver"));
      }
    }
    out.printf(
        "%nDone in %.1f s. Next: manifests/ for a real cluster, samples/vmi/ for VNFs.%n",
        (System.nanoTime() - started) / 1e9);
  }

  private void heading(String title) {
    out.println();
    out.println(title);
  }

  /** Starts kubelet (its events in the log) and then the plugin, which registers with it. */
  private static RunningPlugin startPlugin(
      FakeKubelet kubelet, PluginSettings settings, SimulatedKernel kernel) throws Exception {
    kubelet.events = LOG::info;
    kubelet.start();
    return RunningPlugin.start(settings, kernel);
  }

  private static PluginSettings parseFlags(List<String> flags) {
    var commandLine = Cli.commandLine();
    commandLine.parseArgs(flags.toArray(String[]::new));
    return ((PluginCommand) commandLine.getCommand()).settings();
  }

  private static String numaNodes(List<Device> devices) {
    Set<Long> nodes = new LinkedHashSet<>();
    devices.forEach(d -> d.getTopology().getNodesList().forEach(n -> nodes.add(n.getID())));
    return nodes.isEmpty() ? "unknown" : nodes.toString().replaceAll("[\\[\\]]", "");
  }

  private static String ids(List<Device> devices) {
    List<String> ids = devices.stream().map(Device::getID).toList();
    if (ids.size() <= 4) {
      return String.join(" ", ids);
    }
    return String.join(" ", ids.subList(0, 3)) + " ... " + ids.get(ids.size() - 1);
  }
}
