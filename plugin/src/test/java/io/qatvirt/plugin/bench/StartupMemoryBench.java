package io.qatvirt.plugin.bench;

import io.qatvirt.plugin.api.v1beta1.AllocateRequest;
import io.qatvirt.plugin.api.v1beta1.ContainerAllocateRequest;
import io.qatvirt.plugin.api.v1beta1.DevicePluginGrpc;
import io.qatvirt.plugin.kubelet.UnixSocketTransport;
import io.qatvirt.plugin.sim.SimulatedNode;
import io.qatvirt.plugin.testing.FakeKubelet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts the plugin as the DaemonSet does (a JVM with the DaemonSet's flags, {@link
 * BenchSupport#daemonSetJvmFlags()}, on the shaded jar, or on this class path when the jar is
 * missing) against a simulated node with 128 VFs (8 PFs x 16): time from process start to the first
 * Register at the fake kubelet, then the resident memory after 500 Allocates. Five runs. Targets:
 * registration under 1.5 s, RSS under 64 MiB. Extra JVM flags may be given as arguments (replacing
 * the defaults when the first is {@code --replace}).
 */
public final class StartupMemoryBench {
  private static final int RUNS = Integer.getInteger("bench.runs", 5);

  /** The DaemonSet sets this too: glibc keeps 2 malloc arenas instead of 8 per core. */
  private static final String MALLOC_ARENA_MAX = System.getProperty("bench.mallocArenaMax", "2");

  public static void main(String[] args) throws Exception {
    List<String> flags = new ArrayList<>(BenchSupport.daemonSetJvmFlags());
    List<String> extra = new ArrayList<>(Arrays.asList(args));
    if (!extra.isEmpty() && extra.get(0).equals("--replace")) {
      flags.clear();
      extra.remove(0);
    }
    flags.addAll(extra);
    Path jar = Path.of(System.getProperty("bench.jar", "plugin/target/qat-device-plugin.jar"));
    String classPath = Files.exists(jar) ? jar.toString() : System.getProperty("java.class.path");
    System.out.println("JVM flags: " + String.join(" ", flags));
    System.out.println("environment: MALLOC_ARENA_MAX=" + MALLOC_ARENA_MAX);
    System.out.println("class path: " + (Files.exists(jar) ? jar : "test class path"));
    long[] startups = new long[RUNS];
    long[] rss = new long[RUNS];
    long[] cpu = new long[RUNS];
    for (int run = 0; run < RUNS; run++) {
      Path root = BenchSupport.tempDir("startup-bench");
      Path kubeletDir = BenchSupport.tempDir("startup-bench-kubelet");
      SimulatedNode node = BenchSupport.node(root, 8, 16);
      try (UnixSocketTransport transport = new UnixSocketTransport();
          FakeKubelet kubelet = new FakeKubelet(kubeletDir, transport).start()) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(flags);
        command.addAll(
            List.of(
                "-cp",
                classPath,
                "io.qatvirt.plugin.Main",
                "--sysfs-root=" + node.sysfsRoot(),
                "--dev-root=" + node.devRoot(),
                "--debugfs-root=" + node.debugfsRoot(),
                "--kubelet-dir=" + kubeletDir,
                "--max-num-devices=128",
                "--no-bind"));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("MALLOC_ARENA_MAX", MALLOC_ARENA_MAX);
        long start = System.nanoTime();
        Process plugin =
            builder
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
          kubelet.awaitRegistrations(1, Duration.ofSeconds(30));
          startups[run] = System.nanoTime() - start;
          cpu[run] = BenchSupport.cpuMillis(plugin.pid());
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
          if (Boolean.getBoolean("bench.nmt") && run == 0) {
            new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(plugin.pid()),
                    "VM.native_memory",
                    "summary")
                .inheritIO()
                .start()
                .waitFor();
            Files.copy(
                Path.of("/proc/" + plugin.pid() + "/smaps"),
                Path.of(System.getProperty("java.io.tmpdir"), "plugin-smaps.txt"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.readAllLines(Path.of("/proc/" + plugin.pid() + "/status")).stream()
                .filter(l -> l.startsWith("Rss") || l.startsWith("Threads"))
                .forEach(System.out::println);
          }
        } finally {
          plugin.destroy();
          plugin.waitFor(5, TimeUnit.SECONDS);
          plugin.destroyForcibly();
        }
      }
      System.out.printf(
          "run %d: registered %.0f ms after start (%d ms CPU), VmRSS %d KiB (%.1f MiB)%n",
          run, startups[run] / 1e6, cpu[run], rss[run], rss[run] / 1024.0);
    }
    System.out.println("start -> Register: " + BenchSupport.percentiles(startups, "ms", 1e6));
    System.out.println("CPU time to Register: " + BenchSupport.percentiles(cpu, "ms", 1));
    System.out.println("VmRSS with 128 VFs: " + BenchSupport.percentiles(rss, "MiB", 1024.0));
  }
}
