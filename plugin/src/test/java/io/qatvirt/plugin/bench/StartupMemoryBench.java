package io.qatvirt.plugin.bench;

import io.qatvirt.plugin.api.v1beta1.AllocateRequest;
import io.qatvirt.plugin.api.v1beta1.ContainerAllocateRequest;
import io.qatvirt.plugin.api.v1beta1.DevicePluginGrpc;
import io.qatvirt.plugin.sim.SimulatedNode;
import io.qatvirt.plugin.testing.FakeKubelet;
import io.qatvirt.plugin.testing.NettyUnixTransport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Starts the plugin as the DaemonSet does ({@link PluginProcess}) against a simulated node with 128
 * VFs (8 PFs x 16): time from process start to the first Register at the fake kubelet, then the
 * resident memory after 500 Allocates. Five runs. Targets: registration under 1.5 s, RSS under 64
 * MiB. Extra JVM flags may be given as arguments (replacing the defaults when the first is {@code
 * --replace}). The DaemonSet's AppCDS archive is made for the local jar first ({@link
 * LocalAppCds}); {@code -Dbench.appcds=false} runs without it.
 */
public final class StartupMemoryBench {
  private static final int RUNS = Integer.getInteger("bench.runs", 5);

  public static void main(String[] args) throws Exception {
    List<String> flags = new ArrayList<>(BenchSupport.daemonSetJvmFlags());
    List<String> extra = new ArrayList<>(Arrays.asList(args));
    if (!extra.isEmpty() && extra.get(0).equals("--replace")) {
      flags.clear();
      extra.remove(0);
    }
    flags.addAll(extra);
    flags = LocalAppCds.substitute(flags, PluginProcess.JAR);
    System.out.println("JVM flags: " + String.join(" ", flags));
    System.out.println("environment: MALLOC_ARENA_MAX=" + PluginProcess.MALLOC_ARENA_MAX);
    System.out.println("class path: " + PluginProcess.describeClassPath());
    long[] startups = new long[RUNS];
    long[] rss = new long[RUNS];
    long[] anon = new long[RUNS];
    long[] file = new long[RUNS];
    long[] cpu = new long[RUNS];
    for (int run = 0; run < RUNS; run++) {
      Path root = BenchSupport.tempDir("startup-bench");
      Path kubeletDir = BenchSupport.tempDir("startup-bench-kubelet");
      SimulatedNode node = BenchSupport.node(root, 8, 16);
      try (NettyUnixTransport transport = new NettyUnixTransport();
          FakeKubelet kubelet = new FakeKubelet(kubeletDir, transport).start()) {
        long start = System.nanoTime();
        try (PluginProcess plugin =
            PluginProcess.start(flags, node, kubeletDir, "--max-num-devices=128")) {
          kubelet.awaitRegistrations(1, Duration.ofSeconds(30));
          startups[run] = System.nanoTime() - start;
          cpu[run] = BenchSupport.cpuMillis(plugin.pid());
          LocalAppCds.checkMapped(flags, plugin.pid());
          kubelet.awaitUpdate(u -> u.devices().size() == 128, Duration.ofSeconds(10));
          DevicePluginGrpc.DevicePluginBlockingStub stub = kubelet.plugin("qat.intel.com-cy.sock");
          for (int i = 0; i < 500; i++) {
            stub.allocate(
                AllocateRequest.newBuilder()
                    .addContainerRequests(
                        ContainerAllocateRequest.newBuilder()
                            .addDevicesIds(kubelet.updates.get(0).devices().get(i % 128).getID()))
                    .build());
          }
          Thread.sleep(500);
          rss[run] = BenchSupport.vmRssKib(plugin.pid());
          anon[run] = BenchSupport.statusKib(plugin.pid(), "RssAnon");
          file[run] = BenchSupport.statusKib(plugin.pid(), "RssFile");
          if (Boolean.getBoolean("bench.nmt") && run == 0) {
            plugin.printNativeMemory();
          }
        }
      }
      System.out.printf(
          "run %d: registered %.0f ms after start (%d ms CPU), VmRSS %d KiB (%.1f MiB:"
              + " RssAnon %.1f, RssFile %.1f)%n",
          run,
          startups[run] / 1e6,
          cpu[run],
          rss[run],
          rss[run] / 1024.0,
          anon[run] / 1024.0,
          file[run] / 1024.0);
    }
    System.out.println("start -> Register: " + BenchSupport.percentiles(startups, "ms", 1e6));
    System.out.println("CPU time to Register: " + BenchSupport.percentiles(cpu, "ms", 1));
    System.out.println("VmRSS with 128 VFs: " + BenchSupport.percentiles(rss, "MiB", 1024.0));
    System.out.println("  RssAnon: " + BenchSupport.percentiles(anon, "MiB", 1024.0));
    System.out.println("  RssFile: " + BenchSupport.percentiles(file, "MiB", 1024.0));
  }
}
