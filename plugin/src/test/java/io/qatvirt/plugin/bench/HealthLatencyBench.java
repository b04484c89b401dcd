package io.qatvirt.plugin.bench;

import io.qatvirt.plugin.RunningPlugin;
import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.sim.SimulatedNode;
import io.qatvirt.plugin.testing.FakeKubelet;
import io.qatvirt.plugin.testing.NettyUnixTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Time from a /dev/vfio node's removal to the Unhealthy update at the fake kubelet, over 20
 * removals (each node is put back and the Healthy update awaited in between). The scan period is
 * the default 5 s, so only the inotify watch can meet the target: under 200 ms.
 */
public final class HealthLatencyBench {
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    Path root = BenchSupport.tempDir("health-bench");
    Path kubeletDir = BenchSupport.tempDir("health-bench-kubelet");
    SimulatedNode node = BenchSupport.node(root, 2, 16);
    try (NettyUnixTransport transport = new NettyUnixTransport();
        FakeKubelet kubelet = new FakeKubelet(kubeletDir, transport).start();
        RunningPlugin plugin =
            RunningPlugin.start(
                BenchSupport.settings(node, kubeletDir, Duration.ofSeconds(5)), node.kernel())) {
      kubelet.awaitUpdate(
          u -> u.devices().size() == 32 && u.healthy() == 32, Duration.ofSeconds(10));
      long[] samples = new long[rounds];
      for (int i = 0; i < rounds; i++) {
        PciAddress vf = node.vfs(pf(node)).get(i % 16);
        Path vfioNode = node.vfioNode(vf);
        int seen = kubelet.updates.size();
        long start = System.nanoTime();
        Files.delete(vfioNode);
        FakeKubelet.Update update =
            kubelet.awaitUpdate(
                u -> kubelet.updates.indexOf(u) >= seen && u.healthy() == 31,
                Duration.ofSeconds(10));
        samples[i] = update.nanoTime() - start;
        int seenAgain = kubelet.updates.size();
        Files.writeString(vfioNode, "");
        kubelet.awaitUpdate(
            u -> kubelet.updates.indexOf(u) >= seenAgain && u.healthy() == 32,
            Duration.ofSeconds(10));
      }
      System.out.println(
          "vfio node removed -> Unhealthy at kubelet: "
              + BenchSupport.percentiles(samples, "ms", 1e6));
    }
  }

  private static PciAddress pf(SimulatedNode unused) {
    return PciAddress.parse("0000:6b:00.0").orElseThrow();
  }
}
