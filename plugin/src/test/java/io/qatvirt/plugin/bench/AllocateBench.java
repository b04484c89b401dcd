package io.qatvirt.plugin.bench;

import io.qatvirt.plugin.api.v1beta1.AllocateRequest;
import io.qatvirt.plugin.api.v1beta1.ContainerAllocateRequest;
import io.qatvirt.plugin.api.v1beta1.DevicePluginGrpc;
import io.qatvirt.plugin.api.v1beta1.Empty;
import io.qatvirt.plugin.sim.SimulatedNode;
import io.qatvirt.plugin.testing.FakeKubelet;
import io.qatvirt.plugin.testing.NettyUnixTransport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Allocate round trip over the plugin's Unix socket, as kubelet makes it: 2 VFs per call, p50/p99
 * over 5000 calls ({@code -Dbench.calls}) after 20000 warm-up calls ({@code -Dbench.warmup}), and
 * the first call's time on its own. The plugin runs in its own JVM with the DaemonSet's flags
 * ({@link PluginProcess}); the fake kubelet, standing in for kubelet's own gRPC client, runs in
 * this one. The long warm-up is for the fake kubelet: kubelet is compiled Go, while this JVM's
 * optimizing compiler would otherwise still be at work beside the plugin on a 2-core machine. Extra
 * JVM flags for the plugin may be given as arguments; the DaemonSet's AppCDS archive is made for
 * the local jar first ({@link LocalAppCds}), {@code -Dbench.appcds=false} runs without it. Target:
 * p99 under 2 ms.
 */
public final class AllocateBench {
  public static void main(String[] args) throws Exception {
    int calls = Integer.getInteger("bench.calls", 5000);
    int warmUp = Integer.getInteger("bench.warmup", 20000);
    List<String> flags = new ArrayList<>(BenchSupport.daemonSetJvmFlags());
    flags.addAll(Arrays.asList(args));
    flags = LocalAppCds.substitute(flags, PluginProcess.JAR);
    System.out.println("plugin JVM flags: " + String.join(" ", flags));
    System.out.println("plugin class path: " + PluginProcess.describeClassPath());
    Path root = BenchSupport.tempDir("alloc-bench");
    Path kubeletDir = BenchSupport.tempDir("alloc-bench-kubelet");
    SimulatedNode node = BenchSupport.node(root, 4, 16);
    try (NettyUnixTransport transport = new NettyUnixTransport();
        FakeKubelet kubelet = new FakeKubelet(kubeletDir, transport).start();
        PluginProcess plugin = PluginProcess.start(flags, node, kubeletDir)) {
      kubelet.awaitRegistrations(1, Duration.ofSeconds(30));
      LocalAppCds.checkMapped(flags, plugin.pid());
      DevicePluginGrpc.DevicePluginBlockingStub stub = kubelet.plugin("qat.intel.com-cy.sock");
      AllocateRequest request =
          AllocateRequest.newBuilder()
              .addContainerRequests(
                  ContainerAllocateRequest.newBuilder()
                      .addDevicesIds("0000:6b:00.1")
                      .addDevicesIds("0000:6d:00.2"))
              .build();
      // Connect first, so that the first Allocate's time is the plugin's, not the channel's set-up.
      stub.getDevicePluginOptions(Empty.getDefaultInstance());
      long first = System.nanoTime();
      stub.allocate(request);
      System.out.printf("first Allocate (cold): %.3f ms%n", (System.nanoTime() - first) / 1e6);
      for (int i = 1; i < warmUp; i++) {
        stub.allocate(request);
      }
      long[] samples = new long[calls];
      for (int i = 0; i < calls; i++) {
        long start = System.nanoTime();
        stub.allocate(request);
        samples[i] = System.nanoTime() - start;
      }
      System.out.println(
          "Allocate round trip (2 VFs, Unix socket): "
              + BenchSupport.percentiles(samples, "ms", 1e6));
      System.out.printf(
          "plugin VmRSS after %d Allocates: %.1f MiB%n",
          calls + warmUp, BenchSupport.vmRssKib(plugin.pid()) / 1024.0);
      if (Boolean.getBoolean("bench.nmt")) {
        plugin.printNativeMemory();
      }
    }
  }
}
