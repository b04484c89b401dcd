package io.qatvirt.plugin.bench;

import io.qatvirt.plugin.device.DeviceSnapshot;
import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.sim.SimulatedNode;
import io.qatvirt.plugin.sim.VfStart;
import io.qatvirt.plugin.sysfs.BindEvents;
import io.qatvirt.plugin.sysfs.ScanConfig;
import io.qatvirt.plugin.sysfs.SysfsScanner;
import io.qatvirt.plugin.sysfs.VfioBinder;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * How long one scan of a node with 256 VFs (16 Gen4 PFs x 16 VFs, all on vfio-pci) takes: the
 * scanner runs every 5 s and on every /dev/vfio change, so it must stay cheap. Not a test; run:
 *
 * <pre>
 * mvn -B -q -pl plugin -am test-compile org.codehaus.mojo:exec-maven-plugin:3.5.0:java \
 *   -Dexec.mainClass=io.qatvirt.plugin.bench.ScanBenchmark -Dexec.classpathScope=test
 * </pre>
 *
 * Arguments (optional): PFs, VFs per PF, warm-up scans, measured scans.
 */
public final class ScanBenchmark {

  private ScanBenchmark() {}

  public static void main(String[] args) throws Exception {
    int pfs = args.length > 0 ? Integer.parseInt(args[0]) : 16;
    int vfsPerPf = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    int warmUp = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
    int runs = args.length > 3 ? Integer.parseInt(args[3]) : 2000;
    Path root = Files.createTempDirectory("qatvirt-scan-bench");
    try {
      SimulatedNode node = SimulatedNode.create(root);
      for (int i = 0; i < pfs; i++) {
        node.pf(QatFamily.GEN4_4XXX, String.format("0000:%02x:00.0", 0x10 + i * 2))
            .vfs(vfsPerPf)
            .services(i % 2 == 0 ? "sym;asym" : "dc")
            .numaNode(i % 2)
            .start(VfStart.VFIO_PCI)
            .create();
      }
      ScanConfig config = node.scanConfig().withMaxNumDevices(pfs * vfsPerPf);
      SysfsScanner scanner =
          new SysfsScanner(
              config,
              new VfioBinder(node.sysfsRoot(), node.devRoot(), node.kernel()),
              BindEvents.NONE);
      int found = 0;
      for (int i = 0; i < warmUp; i++) {
        found = count(scanner.scan());
      }
      long[] nanos = new long[runs];
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long cpuStart = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < runs; i++) {
        long start = System.nanoTime();
        DeviceSnapshot snapshot = scanner.scan();
        nanos[i] = System.nanoTime() - start;
        found = count(snapshot);
      }
      double cpuMs = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e6 / runs;
      Arrays.sort(nanos);
      double mean = Arrays.stream(nanos).average().orElse(0) / 1e6;
      System.out.printf(
          "scan of %d VFs (%d PFs x %d, found %d) over %d scans after %d warm-up:"
              + " p50 %.2f ms, p99 %.2f ms, mean %.2f ms, max %.2f ms;"
              + " CPU time (user+system) %.2f ms per scan%n",
          pfs * vfsPerPf,
          pfs,
          vfsPerPf,
          found,
          runs,
          warmUp,
          nanos[runs / 2] / 1e6,
          nanos[(int) Math.min(runs - 1, Math.ceil(runs * 0.99) - 1)] / 1e6,
          mean,
          nanos[runs - 1] / 1e6,
          cpuMs);
    } finally {
      try (var paths = Files.walk(root)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static int count(DeviceSnapshot snapshot) {
    return snapshot.byResource().values().stream().mapToInt(java.util.List::size).sum();
  }
}
