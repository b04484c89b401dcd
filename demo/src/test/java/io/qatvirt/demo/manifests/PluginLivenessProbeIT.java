package io.qatvirt.demo.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.qatvirt.demo.node.DemoNode;
import io.qatvirt.plugin.RunningPlugin;
import io.qatvirt.plugin.cli.Cli;
import io.qatvirt.plugin.cli.PluginCommand;
import io.qatvirt.plugin.kubelet.UnixSocketTransport;
import io.qatvirt.plugin.testing.FakeKubelet;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the DaemonSet's liveness command, as written in manifests/base/plugin-daemonset.yaml,
 * against a real plugin serving a simulated node (the image's paths swapped for this machine's): it
 * passes while the sockets answer and fails on a socket nobody serves.
 */
class PluginLivenessProbeIT {
  static List<String> livenessCommand;

  @BeforeAll
  static void readTheProbe() throws Exception {
    Path repo = Path.of(System.getProperty("qatvirt.repo.dir", "..")).toAbsolutePath().normalize();
    JsonNode ds =
        new ObjectMapper(new YAMLFactory())
            .readTree(repo.resolve("manifests/base/plugin-daemonset.yaml").toFile());
    livenessCommand = new ArrayList<>();
    Objects.container(ds, "qat-device-plugin")
        .path("livenessProbe")
        .path("exec")
        .path("command")
        .forEach(n -> livenessCommand.add(n.asText()));
  }

  @Test
  void passesWhileEveryServedSocketAnswersAndFailsOnADeadOne(@TempDir Path temp) throws Exception {
    DemoNode node = DemoNode.create(temp.resolve("node"));
    Path kubeletDir = Files.createDirectories(temp.resolve("device-plugins"));
    var commandLine = Cli.commandLine();
    commandLine.parseArgs(
        "--sysfs-root=" + node.simulated().sysfsRoot(),
        "--dev-root=" + node.simulated().devRoot(),
        "--debugfs-root=" + node.simulated().debugfsRoot(),
        "--kubelet-dir=" + kubeletDir);
    try (UnixSocketTransport transport = new UnixSocketTransport();
        FakeKubelet kubelet = new FakeKubelet(kubeletDir, transport).start();
        RunningPlugin plugin =
            RunningPlugin.start(
                ((PluginCommand) commandLine.getCommand()).settings(), node.simulated().kernel())) {
      kubelet.awaitResources(
          Set.of("qat.intel.com/cy", "qat.intel.com/dc"), Duration.ofSeconds(30));
      assertEquals(0, runProbe(kubeletDir), "both sockets answer");

      Path dead = kubeletDir.resolve("qat.intel.com-sym.sock");
      try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
        listener.bind(UnixDomainSocketAddress.of(dead));
      } // closed: the socket file stays, nobody answers
      assertEquals(1, runProbe(kubeletDir), "a socket nobody serves fails the probe");
      Files.delete(dead);
    }
  }

  @Test
  void passesOnANodeWithoutQatSockets(@TempDir Path kubeletDir) throws Exception {
    assertEquals(0, runProbe(kubeletDir));
  }

  private static int runProbe(Path kubeletDir) throws Exception {
    Path jar =
        Path.of("..", "plugin", "target", "qat-device-plugin.jar").toAbsolutePath().normalize();
    assertTrue(Files.isRegularFile(jar), "the plugin jar is built before the demo's tests: " + jar);
    List<String> command =
        livenessCommand.stream()
            .map(a -> a.replace("/var/lib/kubelet/device-plugins", kubeletDir.toString()))
            .map(a -> a.replace("/app/qat-device-plugin.jar", jar.toString()))
            .toList();
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    String javaBin = Path.of(System.getProperty("java.home"), "bin").toString();
    builder.environment().put("PATH", javaBin + ":" + System.getenv("PATH"));
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe ends: " + output);
    return process.exitValue();
  }
}
