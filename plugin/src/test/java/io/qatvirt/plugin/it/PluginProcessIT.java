package io.qatvirt.plugin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.sim.SimulatedNode;
import io.qatvirt.plugin.sim.VfStart;
import io.qatvirt.plugin.testing.FakeKubelet;
import io.qatvirt.plugin.testing.NettyUnixTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin as the DaemonSet runs it: a JVM process, stopped by SIGTERM. */
class PluginProcessIT {
  @TempDir Path root;
  @TempDir Path kubeletDir;
  @TempDir Path logs;

  private String[] args(SimulatedNode node) {
    return new String[] {
      "--sysfs-root=" + node.sysfsRoot(),
      "--dev-root=" + node.devRoot(),
      "--debugfs-root=" + node.debugfsRoot(),
      "--kubelet-dir=" + kubeletDir,
      "--no-bind"
    };
  }

  @Test
  void exitsZeroOnSigtermRemovingItsSocketsAndRefusesASecondInstance() throws Exception {
    SimulatedNode node = SimulatedNode.create(root);
    node.pf(QatFamily.GEN4_4XXX, "0000:6b:00.0")
        .vfs(2)
        .services("sym;asym")
        .firstGroup(40)
        .start(VfStart.VFIO_PCI)
        .create();
    Path socket = kubeletDir.resolve("qat.intel.com-cy.sock");
    try (NettyUnixTransport transport = new NettyUnixTransport();
        FakeKubelet kubelet = new FakeKubelet(kubeletDir, transport).start()) {
      Process plugin = PluginProcess.start(List.of(), logs.resolve("first.log"), args(node));
      try {
        kubelet.awaitRegistrations(1, Duration.ofSeconds(20));
        kubelet.awaitUpdate(u -> u.devices().size() == 2, Duration.ofSeconds(10));
        assertTrue(Files.exists(socket));

        Process second = PluginProcess.start(List.of(), logs.resolve("second.log"), args(node));
        assertTrue(second.waitFor(20, TimeUnit.SECONDS), "second instance still running");
        assertEquals(1, second.exitValue());
        assertTrue(
            Files.readString(logs.resolve("second.log"))
                .contains(
                    "qat-device-plugin: tried to serve on "
                        + socket
                        + ", but another live process is already serving there"),
            Files.readString(logs.resolve("second.log")));
        assertTrue(Files.exists(socket), "the second instance must leave the first's socket");

        plugin.destroy(); // SIGTERM

        assertTrue(plugin.waitFor(5, TimeUnit.SECONDS), "still running 5 s after SIGTERM");
        assertEquals(0, plugin.exitValue(), Files.readString(logs.resolve("first.log")));
        assertFalse(Files.exists(socket));
        assertTrue(
            kubelet.streamEnds.contains("qat.intel.com/cy completed"),
            kubelet.streamEnds.toString());
      } finally {
        plugin.destroyForcibly();
      }
    }
  }
}
