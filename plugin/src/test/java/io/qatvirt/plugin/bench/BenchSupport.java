package io.qatvirt.plugin.bench;

import io.qatvirt.plugin.PluginSettings;
import io.qatvirt.plugin.allocation.AllocationPolicy;
import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.sim.SimulatedNode;
import io.qatvirt.plugin.sim.VfStart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/** Shared set-up and statistics for the benchmark mains. */
final class BenchSupport {
  private BenchSupport() {}

  /** The DaemonSet, relative to the checkout's root (where the benchmarks are run from). */
  static final Path DAEMONSET = Path.of("manifests/base/plugin-daemonset.yaml");

  private static final java.util.regex.Pattern JVM_FLAG =
      java.util.regex.Pattern.compile("^\\s+- (-[^\\s]+)$");

  /**
   * The JVM flags the DaemonSet runs the plugin with: the {@code command} items between {@code
   * java} and {@code -jar} in {@link #DAEMONSET}, so that what is measured is what is deployed.
   */
  static List<String> daemonSetJvmFlags() throws IOException {
    if (!Files.isRegularFile(DAEMONSET)) {
      throw new IOException(
          "tried to read the plugin's JVM flags from "
              + DAEMONSET.toAbsolutePath()
              + ", but it is not there: run the benchmark from the checkout's root");
    }
    List<String> flags = new java.util.ArrayList<>();
    boolean inCommand = false;
    for (String line : Files.readAllLines(DAEMONSET)) {
      if (line.trim().equals("- java")) {
        inCommand = true;
        continue;
      }
      if (!inCommand) {
        continue;
      }
      java.util.regex.Matcher flag = JVM_FLAG.matcher(line);
      if (!flag.matches() || flag.group(1).equals("-jar")) {
        break;
      }
      flags.add(flag.group(1));
    }
    if (flags.isEmpty()) {
      throw new IOException(
          "tried to read the plugin's JVM flags from " + DAEMONSET + ", found none");
    }
    return flags;
  }

  /** A node with {@code pfs} Gen4 PFs of {@code vfsPerPf} VFs each, all on vfio-pci. */
  static SimulatedNode node(Path root, int pfs, int vfsPerPf) throws IOException {
    SimulatedNode node = SimulatedNode.create(root);
    for (int i = 0; i < pfs; i++) {
      node.pf(QatFamily.GEN4_4XXX, String.format("0000:%02x:00.0", 0x6b + i * 2))
          .vfs(vfsPerPf)
          .totalVfs(Math.max(16, vfsPerPf))
          .services("sym;asym")
          .numaNode(i % 2)
          .start(VfStart.VFIO_PCI)
          .create();
    }
    return node;
  }

  /** The plugin's settings for a benchmark: the node's roots, balanced, metrics off. */
  static PluginSettings settings(SimulatedNode node, Path kubeletDir, Duration scanPeriod) {
    return new PluginSettings(
        node.scanConfig(),
        kubeletDir,
        AllocationPolicy.BALANCED,
        scanPeriod,
        OptionalInt.empty(),
        "127.0.0.1");
  }

  static Path tempDir(String prefix) throws IOException {
    return Files.createTempDirectory(prefix);
  }

  /** {@code p50=… p99=… max=…} of the samples in the given unit. */
  static String percentiles(long[] nanos, String unit, double divisor) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return String.format(
        "n=%d p50=%.3f%s p99=%.3f%s max=%.3f%s",
        sorted.length,
        at(sorted, 0.50) / divisor,
        unit,
        at(sorted, 0.99) / divisor,
        unit,
        sorted[sorted.length - 1] / divisor,
        unit);
  }

  private static long at(long[] sorted, double q) {
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  }

  /** CPU time (user + system) the process has used so far, from /proc, in ms (100 ticks/s). */
  static long cpuMillis(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
  }

  /** The plugin's resident memory from /proc, in KiB. */
  static long vmRssKib(long pid) throws IOException {
    return statusKib(pid, "VmRSS");
  }

  /**
   * A size in KiB from /proc/PID/status: {@code VmRSS}, or its parts {@code RssAnon} (private, what
   * only this process holds) and {@code RssFile} (mapped files: the jar, the JDK's modules and CDS
   * archives, clean pages the kernel may drop and share).
   */
  static long statusKib(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IOException("no " + field + " in /proc/" + pid + "/status");
  }
}
