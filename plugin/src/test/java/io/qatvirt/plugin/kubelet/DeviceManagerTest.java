package io.qatvirt.plugin.kubelet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import io.qatvirt.plugin.allocation.AllocationPolicy;
import io.qatvirt.plugin.allocation.PreferredAllocator;
import io.qatvirt.plugin.allocation.VfOnNode;
import io.qatvirt.plugin.api.v1beta1.DevicePluginOptions;
import io.qatvirt.plugin.api.v1beta1.RegisterRequest;
import io.qatvirt.plugin.device.DeviceSnapshot;
import io.qatvirt.plugin.device.Health;
import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.Vf;
import io.qatvirt.plugin.device.VfScanner;
import io.qatvirt.plugin.device.VfioGroup;
import io.qatvirt.plugin.testing.FakeKubelet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The device manager over real Unix sockets against the fake kubelet, with a scanner lambda. */
class DeviceManagerTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String GENERIC = "qat.intel.com/generic";
  private static final String CY = "qat.intel.com/cy";

  @TempDir Path kubeletDir;
  @TempDir Path devRoot;

  private UnixSocketTransport transport;
  private FakeKubelet kubelet;
  private DeviceManager manager;
  private final AtomicInteger failedRegistrations = new AtomicInteger();
  private final AtomicReference<Map<String, List<String>>> layout =
      new AtomicReference<>(Map.of(GENERIC, List.of("0000:3d:01.0", "0000:3d:01.1")));

  /** Healthy iff {@code <dev>/vfio/<group>} exists; group = function number + 10. */
  private final VfScanner scanner =
      () -> {
        Map<String, List<Vf>> byResource = new LinkedHashMap<>();
        layout
            .get()
            .forEach(
                (resource, addresses) ->
                    byResource.put(resource, addresses.stream().map(this::vf).toList()));
        return new DeviceSnapshot(byResource);
      };

  private Vf vf(String address) {
    PciAddress a = PciAddress.parse(address).orElseThrow();
    VfioGroup group = new VfioGroup(10 + a.function(), false);
    boolean present = Files.exists(devRoot.resolve("vfio").resolve(group.nodeName()));
    return new Vf(
        a,
        Optional.empty(),
        -1,
        "generic",
        group,
        a.function() == 0 ? 1 : -1,
        Optional.of("vfio-pci"),
        present ? Health.HEALTHY : Health.UNHEALTHY,
        present ? "" : group.devicePath() + " is missing");
  }

  @BeforeEach
  void setUp() throws Exception {
    Files.createDirectories(devRoot.resolve("vfio"));
    for (int g = 10; g < 18; g++) {
      Files.writeString(devRoot.resolve("vfio/" + g), "");
    }
    transport = new UnixSocketTransport();
    kubelet = new FakeKubelet(kubeletDir, transport);
  }

  private void startManager() throws Exception {
    manager =
        new DeviceManager(
            scanner,
            kubeletDir,
            devRoot,
            Duration.ofHours(1),
            transport,
            new PreferredAllocator(AllocationPolicy.BALANCED),
            new KubeletEvents() {
              @Override
              public void registration(String resourceName, boolean accepted) {
                if (!accepted) {
                  failedRegistrations.incrementAndGet();
                }
              }
            },
            address -> new VfOnNode.Gone());
    manager.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (manager != null) {
      manager.close();
    }
    kubelet.close();
    transport.close();
  }

  private static RegisterRequest registration(String resource) {
    return RegisterRequest.newBuilder()
        .setVersion("v1beta1")
        .setEndpoint(resource.replace('/', '-') + ".sock")
        .setResourceName(resource)
        .setOptions(DevicePluginOptions.newBuilder().setGetPreferredAllocationAvailable(true))
        .build();
  }

  private static String describe(FakeKubelet.Update update) {
    return update.resource() + " " + update.describeDevices();
  }

  @Test
  void registersEveryResourceAndStreamsItsDevices() throws Exception {
    layout.set(
        Map.of(GENERIC, List.of("0000:3d:01.0", "0000:3d:01.1"), CY, List.of("0000:3f:01.2")));
    kubelet.start();
    startManager();

    List<RegisterRequest> registered = kubelet.awaitRegistrations(2, WAIT);
    assertEquals(
        java.util.Set.of(registration(GENERIC), registration(CY)),
        java.util.Set.copyOf(registered));
    assertEquals(
        "qat.intel.com/generic 0000:3d:01.0=Healthy@1 0000:3d:01.1=Healthy",
        describe(kubelet.awaitUpdate(u -> u.resource().equals(GENERIC), WAIT)));
    assertEquals(
        "qat.intel.com/cy 0000:3f:01.2=Healthy",
        describe(kubelet.awaitUpdate(u -> u.resource().equals(CY), WAIT)));
    assertTrue(Files.exists(kubeletDir.resolve("qat.intel.com-generic.sock")));
    assertTrue(Files.exists(kubeletDir.resolve("qat.intel.com-cy.sock")));
  }

  @Test
  void reportsAVanishedVfioNodeAsUnhealthyWithoutWaitingForTheScanPeriod() throws Exception {
    kubelet.start();
    startManager();
    kubelet.awaitUpdate(u -> u.healthy() == 2, WAIT);

    Files.delete(devRoot.resolve("vfio/11"));

    assertEquals(
        "qat.intel.com/generic 0000:3d:01.0=Healthy@1 0000:3d:01.1=Unhealthy",
        describe(kubelet.awaitUpdate(u -> u.healthy() == 1, WAIT)));
  }

  @Test
  void watchesTheVfioFolderOnceItAppears() throws Exception {
    for (int g = 10; g < 18; g++) {
      Files.delete(devRoot.resolve("vfio/" + g));
    }
    Files.delete(devRoot.resolve("vfio"));
    kubelet.start();
    startManager();
    kubelet.awaitUpdate(u -> u.healthy() == 0, WAIT);

    Files.createDirectories(devRoot.resolve("vfio"));
    Files.writeString(devRoot.resolve("vfio/10"), "");
    Files.writeString(devRoot.resolve("vfio/11"), "");

    assertEquals(
        "qat.intel.com/generic 0000:3d:01.0=Healthy@1 0000:3d:01.1=Healthy",
        describe(kubelet.awaitUpdate(u -> u.healthy() == 2, WAIT)));
    Files.delete(devRoot.resolve("vfio/10"));
    assertEquals(
        "qat.intel.com/generic 0000:3d:01.0=Unhealthy@1 0000:3d:01.1=Healthy",
        describe(
            kubelet.awaitUpdate(
                u -> u.healthy() == 1 && u.devices().get(0).getHealth().equals("Unhealthy"),
                WAIT)));
  }

  @Test
  void servesAndRegistersAgainWhenKubeletRestarts() throws Exception {
    kubelet.start();
    startManager();
    kubelet.awaitUpdate(u -> true, WAIT);

    kubelet.restart();

    kubelet.awaitRegistrations(2, WAIT);
    kubelet.awaitUpdate(u -> kubelet.updates.indexOf(u) >= 1, WAIT);
    assertEquals(
        registration(GENERIC), kubelet.registrations.get(kubelet.registrations.size() - 1));
    assertTrue(Files.exists(kubeletDir.resolve("qat.intel.com-generic.sock")));
  }

  @Test
  void retriesRegistrationUntilKubeletIsThere() throws Exception {
    startManager();
    await().atMost(WAIT).until(() -> failedRegistrations.get() > 0); // no kubelet yet

    kubelet.start();

    assertEquals(registration(GENERIC), kubelet.awaitRegistrations(1, WAIT).get(0));
  }

  @Test
  void keepsRetryingWhileKubeletRefuses() throws Exception {
    kubelet.registerAnswer =
        r ->
            kubelet.registrations.size() < 3
                ? io.grpc.Status.UNAVAILABLE.withDescription("busy")
                : io.grpc.Status.OK;
    kubelet.start();
    startManager();

    kubelet.awaitRegistrations(3, WAIT);
    kubelet.awaitUpdate(u -> true, WAIT);
  }

  @Test
  void stopsServingAResourceThatDisappearsAndServesOneThatAppears() throws Exception {
    kubelet.start();
    startManager();
    kubelet.awaitRegistrations(1, WAIT);

    layout.set(Map.of(CY, List.of("0000:3f:01.2")));
    manager.requestRescan();

    assertEquals(registration(CY), kubelet.awaitRegistrations(2, WAIT).get(1));
    assertFalse(Files.exists(kubeletDir.resolve("qat.intel.com-generic.sock")));
    assertEquals(java.util.Set.of(CY), manager.servedResources());
  }

  @Test
  void skipsAResourceNameKubeletWouldRefuseAndServesTheOthers() throws Exception {
    layout.set(
        Map.of("qat.intel.com/../../x", List.of("0000:3d:01.0"), CY, List.of("0000:3f:01.2")));
    kubelet.start();
    startManager();

    assertEquals(registration(CY), kubelet.awaitRegistrations(1, WAIT).get(0));
    assertEquals(java.util.Set.of(CY), manager.servedResources());
  }

  @Test
  void refusesToStartWhenAnotherProcessServesOurSocket() throws Exception {
    Path socket = kubeletDir.resolve("qat.intel.com-generic.sock");
    Server other =
        transport.serve(
            socket,
            new DevicePluginService(
                GENERIC,
                List.of(),
                new PreferredAllocator(AllocationPolicy.NONE),
                KubeletEvents.NONE,
                address -> new VfOnNode.Gone()));
    try {
      SocketInUseException e = assertThrows(SocketInUseException.class, this::startManager);
      assertEquals(
          "tried to serve on "
              + socket
              + ", but another live process is already serving there (a second"
              + " qat-device-plugin on this node?); stop it first",
          e.getMessage());
      manager = null;
    } finally {
      other.shutdownNow();
    }
  }

  @Test
  void replacesAStaleSocketFile() throws Exception {
    Files.writeString(kubeletDir.resolve("qat.intel.com-generic.sock"), "left over");
    kubelet.start();
    startManager();

    kubelet.awaitUpdate(u -> u.devices().size() == 2, WAIT);
  }

  @Test
  void removesItsSocketsWhenClosed() throws Exception {
    kubelet.start();
    startManager();
    kubelet.awaitUpdate(u -> true, WAIT);

    manager.close();
    manager = null;

    assertFalse(Files.exists(kubeletDir.resolve("qat.intel.com-generic.sock")));
  }
}
