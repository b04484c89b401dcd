package io.qatvirt.plugin.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qatvirt.plugin.allocation.AllocationPolicy;
import io.qatvirt.plugin.allocation.PreferredAllocator;
import io.qatvirt.plugin.allocation.VfOnNode;
import io.qatvirt.plugin.api.v1beta1.ContainerPreferredAllocationRequest;
import io.qatvirt.plugin.api.v1beta1.PreferredAllocationRequest;
import io.qatvirt.plugin.device.DeviceSnapshot;
import io.qatvirt.plugin.device.Health;
import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.Vf;
import io.qatvirt.plugin.device.VfioGroup;
import io.qatvirt.plugin.testing.FakeKubelet;
import io.qatvirt.plugin.testing.InProcessTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The device manager with in-process gRPC: the transport is injected, the logic is the same. */
class DeviceManagerInProcessTest {
  @TempDir Path kubeletDir;
  @TempDir Path devRoot;

  private static Vf vf(String address, String pf, int numa) {
    return new Vf(
        PciAddress.parse(address).orElseThrow(),
        Optional.of(PciAddress.parse(pf).orElseThrow()),
        0,
        "generic",
        new VfioGroup(1, false),
        numa,
        Optional.of("vfio-pci"),
        Health.HEALTHY,
        "");
  }

  @Test
  void registersAnswersPreferredAllocationWithItsPolicyAndReRegistersAfterAKubeletRestart()
      throws Exception {
    Files.createDirectories(devRoot.resolve("vfio"));
    DeviceSnapshot snapshot =
        new DeviceSnapshot(
            Map.of(
                "qat.intel.com/generic",
                List.of(
                    vf("0000:3d:01.0", "0000:3d:00.0", 0),
                    vf("0000:3d:01.1", "0000:3d:00.0", 0),
                    vf("0000:3f:01.0", "0000:3f:00.0", 0))));
    InProcessTransport transport = new InProcessTransport();
    try (FakeKubelet kubelet = new FakeKubelet(kubeletDir, transport).start();
        DeviceManager manager =
            new DeviceManager(
                () -> snapshot,
                kubeletDir,
                devRoot,
                Duration.ofHours(1),
                transport,
                new PreferredAllocator(AllocationPolicy.PACKED),
                KubeletEvents.NONE,
                address -> new VfOnNode.Gone())) {
      manager.start();
      kubelet.awaitRegistrations(1, Duration.ofSeconds(10));

      assertEquals(
          List.of("0000:3d:01.0", "0000:3d:01.1"),
          kubelet
              .plugin("qat.intel.com-generic.sock")
              .getPreferredAllocation(
                  PreferredAllocationRequest.newBuilder()
                      .addContainerRequests(
                          ContainerPreferredAllocationRequest.newBuilder()
                              .addAvailableDeviceIDs("0000:3f:01.0")
                              .addAvailableDeviceIDs("0000:3d:01.0")
                              .addAvailableDeviceIDs("0000:3d:01.1")
                              .setAllocationSize(2))
                      .build())
              .getContainerResponses(0)
              .getDeviceIDsList());

      kubelet.restart();

      kubelet.awaitRegistrations(2, Duration.ofSeconds(10));
      kubelet.awaitUpdate(u -> kubelet.updates.indexOf(u) >= 1, Duration.ofSeconds(10));
    }
  }
}
