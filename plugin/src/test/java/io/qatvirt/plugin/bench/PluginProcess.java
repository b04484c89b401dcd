package io.qatvirt.plugin.bench;

import io.qatvirt.plugin.sim.SimulatedNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The plugin in its own JVM, started as the DaemonSet starts it: the given JVM flags (the
 * DaemonSet's, {@link BenchSupport#daemonSetJvmFlags()}), {@code MALLOC_ARENA_MAX} as the DaemonSet
 * sets it, the shaded jar (or this class path when the jar is missing), against a simulated node.
 */
final class PluginProcess implements AutoCloseable {
  /** The DaemonSet sets this too: glibc keeps 2 malloc arenas instead of 8 per core. */
  static final String MALLOC_ARENA_MAX = System.getProperty("bench.mallocArenaMax", "2");

  /** The shaded jar the plugin runs from ({@code -Dbench.jar}), when built. */
  static final Path JAR =
      Path.of(System.getProperty("bench.jar", "plugin/target/qat-device-plugin.jar"));

  private final Process process;

  private PluginProcess(Process process) {
    this.process = process;
  }

  /** What {@link #start} runs: the jar, or the test class path when the jar is not built. */
  static String describeClassPath() {
    return Files.exists(JAR) ? JAR.toString() : "test class path";
  }

  static PluginProcess start(
      List<String> jvmFlags, SimulatedNode node, Path kubeletDir, String... pluginFlags)
      throws IOException {
    String classPath = Files.exists(JAR) ? JAR.toString() : System.getProperty("java.class.path");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.addAll(
        List.of(
            "-cp",
            classPath,
            "io.qatvirt.plugin.cli.Main",
            "--sysfs-root=" + node.sysfsRoot(),
            "--dev-root=" + node.devRoot(),
            "--debugfs-root=" + node.debugfsRoot(),
            "--kubelet-dir=" + kubeletDir,
            "--no-bind"));
    command.addAll(List.of(pluginFlags));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("MALLOC_ARENA_MAX", MALLOC_ARENA_MAX);
    return new PluginProcess(
        builder
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start());
  }

  long pid() {
    return process.pid();
  }

  /**
   * Prints the JVM's native memory summary (when started with {@code
   * -XX:NativeMemoryTracking=summary}) and the Rss lines of /proc/PID/status, and copies
   * /proc/PID/smaps to {@code plugin-smaps.txt} in the temp folder.
   */
  void printNativeMemory() throws IOException, InterruptedException {
    new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
            Long.toString(pid()),
            "VM.native_memory",
            "summary")
        .inheritIO()
        .start()
        .waitFor();
    Files.copy(
        Path.of("/proc/" + pid() + "/smaps"),
        Path.of(System.getProperty("java.io.tmpdir"), "plugin-smaps.txt"),
        StandardCopyOption.REPLACE_EXISTING);
    Files.readAllLines(Path.of("/proc/" + pid() + "/status")).stream()
        .filter(l -> l.startsWith("Rss") || l.startsWith("Threads"))
        .forEach(System.out::println);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }
}
