package io.qatvirt.demo.bench;

import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.kubelet.UnixSocketTransport;
import io.qatvirt.plugin.sim.SimulatedNode;
import io.qatvirt.plugin.sim.VfStart;
import io.qatvirt.plugin.testing.FakeKubelet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Measures the memory of the real plugin process under the JVM flags given, the way the DaemonSet
 * runs it: a simulated node (two Gen4 PFs, {@code --vfs} VFs each, all on vfio-pci, {@code
 * --no-bind} because the simulated kernel lives in this process), a kubelet stand-in holding the
 * ListAndWatch streams and calling Allocate once a second, and the plugin as a child JVM rescanning
 * every second, metrics served. Prints the child's resident set (VmRSS) every 5 s and its peak
 * (VmHWM); then runs the {@code query} subcommand once (as the liveness probe does) with the query
 * flags and prints its peak.
 *
 * <pre>
 * java -cp demo/target/qatvirt-demo.jar io.qatvirt.demo.bench.PluginFootprint \
 *     plugin/target/qat-device-plugin.jar 60 32 "-Xmx48m -XX:+UseSerialGC" "-Xmx16m"
 * </pre>
 */
public final class PluginFootprint {
  private PluginFootprint() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println(
          "usage: PluginFootprint <plugin jar> <seconds> <vfs per PF> \"<plugin JVM flags>\""
              + " \"<query JVM flags>\"");
      System.exit(2);
    }
    Path jar = Path.of(args[0]);
    int seconds = Integer.parseInt(args[1]);
    int vfs = Integer.parseInt(args[2]);
    List<String> pluginFlags = List.of(args[3].trim().split("\\s+"));
    List<String> queryFlags = List.of(args[4].trim().split("\\s+"));
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    Path dir = Files.createTempDirectory("qatvirt-footprint-");
    SimulatedNode node = SimulatedNode.create(dir.resolve("node"));
    for (String pf : List.of("0000:6b:00.0", "0000:70:00.0")) {
      node.pf(QatFamily.GEN4_4XXX, pf)
          .vfs(vfs)
          .totalVfs(Math.max(16, vfs))
          .services(pf.startsWith("0000:6b") ? "sym;asym" : "dc")
          .start(VfStart.VFIO_PCI)
          .create();
    }
    Path kubeletDir = Files.createDirectories(dir.resolve("device-plugins"));
    // -Dqatvirt.footprint.java=<java binary> runs the plugin on another runtime (e.g. a jlink'ed
    // one)
    String java =
        System.getProperty(
            "qatvirt.footprint.java",
            Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(pluginFlags);
    command.addAll(
        List.of(
            "-jar",
            jar.toString(),
            "--sysfs-root=" + node.sysfsRoot(),
            "--dev-root=" + node.devRoot(),
            "--debugfs-root=" + node.debugfsRoot(),
            "--kubelet-dir=" + kubeletDir,
            "--no-bind",
            "--scan-period=1s",
            // metrics on, as the DaemonSet runs it (an ephemeral loopback port here)
            "--metrics-address=127.0.0.1",
            "--metrics-port=0"));
    System.out.println("plugin: " + String.join(" ", command));
    try (UnixSocketTransport transport = new UnixSocketTransport();
        FakeKubelet kubelet = new FakeKubelet(kubeletDir, transport).start()) {
      Process plugin = new ProcessBuilder(command).inheritIO().start();
      try {
        kubelet.awaitResources(
            Set.of("qat.intel.com/cy", "qat.intel.com/dc"), Duration.ofSeconds(60));
        long peak = 0;
        for (int s = 1; s <= seconds; s++) {
          Thread.sleep(1000);
          if (s <= vfs) {
            kubelet.allocate(s % 2 == 0 ? "qat.intel.com/cy" : "qat.intel.com/dc", 1);
          }
          Map<String, Long> status = status(plugin.pid());
          peak = Math.max(peak, status.getOrDefault("VmHWM", 0L));
          if (s % 5 == 0) {
            System.out.printf("t=%3ds  plugin VmRSS %6d KiB%n", s, status.get("VmRSS"));
          }
        }
        System.out.printf("plugin peak VmHWM %d KiB (%.1f MiB)%n", peak, peak / 1024.0);
        System.out.printf(
            "query peak VmHWM %d KiB%n", queryPeak(java, queryFlags, jar, kubeletDir));
      } finally {
        plugin.destroy();
        plugin.waitFor();
      }
    }
  }

  private static long queryPeak(String java, List<String> flags, Path jar, Path kubeletDir)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(flags);
    command.addAll(
        List.of(
            "-jar",
            jar.toString(),
            "query",
            "--socket=" + kubeletDir.resolve("qat.intel.com-cy.sock")));
    System.out.println("query: " + String.join(" ", command));
    Process query =
        new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    long peak = 0;
    while (query.isAlive()) {
      peak = Math.max(peak, status(query.pid()).getOrDefault("VmHWM", 0L));
      Thread.sleep(10);
    }
    System.out.println("query exit code " + query.exitValue());
    return peak;
  }

  /** The kB fields of /proc/<pid>/status; empty once the process is gone. */
  private static Map<String, Long> status(long pid) {
    Map<String, Long> fields = new TreeMap<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        String[] parts = line.split("\\s+");
        if (parts.length == 3 && parts[2].equals("kB")) {
          fields.put(parts[0].replace(":", ""), Long.parseLong(parts[1]));
        }
      }
    } catch (IOException e) {
      return Map.of();
    }
    return fields;
  }
}
