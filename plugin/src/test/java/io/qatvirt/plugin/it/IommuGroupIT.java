package io.qatvirt.plugin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qatvirt.plugin.PluginSettings;
import io.qatvirt.plugin.RunningPlugin;
import io.qatvirt.plugin.allocation.AllocationPolicy;
import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.PciId;
import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.sim.SimulatedNode;
import io.qatvirt.plugin.sim.VfStart;
import io.qatvirt.plugin.testing.FakeKubelet;
import io.qatvirt.plugin.testing.NettyUnixTransport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What kubelet is told of a VF whose IOMMU group holds a NIC on its own driver: nothing, until the
 * NIC leaves its driver.
 */
class IommuGroupIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String CY = "qat.intel.com/cy";

  @TempDir Path root;
  @TempDir Path kubeletDir;

  private NettyUnixTransport transport;
  private FakeKubelet kubelet;
  private RunningPlugin plugin;

  @AfterEach
  void tearDown() throws Exception {
    plugin.close();
    kubelet.close();
    transport.close();
  }

  @Test
  void listsOnlyTheVfsWhoseGroupsCanBePassedThrough() throws Exception {
    SimulatedNode node = SimulatedNode.create(root);
    node.pf(QatFamily.GEN4_4XXX, "0000:6b:00.0")
        .vfs(2)
        .numaNode(0)
        .firstGroup(40)
        .start(VfStart.VFIO_PCI)
        .create();
    PciAddress nic =
        node.addFunction(
            "0000:00:19.0", new PciId(0x8086, 0x10d3), 0x020000, 42, Optional.of("e1000e"));
    transport = new NettyUnixTransport();
    kubelet = new FakeKubelet(kubeletDir, transport).start();
    plugin =
        RunningPlugin.start(
            new PluginSettings(
                node.scanConfig(),
                kubeletDir,
                AllocationPolicy.BALANCED,
                Duration.ofMillis(200),
                OptionalInt.empty(),
                "127.0.0.1"),
            node.kernel());

    FakeKubelet.Update first = kubelet.awaitUpdate(u -> u.resource().equals(CY), WAIT);
    node.unbind(nic);
    FakeKubelet.Update after = kubelet.awaitUpdate(u -> u.devices().size() == 2, WAIT);

    assertEquals("0000:6b:00.1=Healthy@0", first.describeDevices());
    assertEquals("0000:6b:00.1=Healthy@0 0000:6b:00.2=Healthy@0", after.describeDevices());
  }
}
