package io.qatvirt.plugin.kubelet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.qatvirt.plugin.allocation.AllocationPolicy;
import io.qatvirt.plugin.allocation.FakeNodeVfs;
import io.qatvirt.plugin.allocation.PreferredAllocator;
import io.qatvirt.plugin.api.v1beta1.AllocateRequest;
import io.qatvirt.plugin.api.v1beta1.AllocateResponse;
import io.qatvirt.plugin.api.v1beta1.ContainerAllocateRequest;
import io.qatvirt.plugin.api.v1beta1.ContainerAllocateResponse;
import io.qatvirt.plugin.api.v1beta1.ContainerPreferredAllocationRequest;
import io.qatvirt.plugin.api.v1beta1.Device;
import io.qatvirt.plugin.api.v1beta1.DevicePluginGrpc;
import io.qatvirt.plugin.api.v1beta1.DevicePluginOptions;
import io.qatvirt.plugin.api.v1beta1.DeviceSpec;
import io.qatvirt.plugin.api.v1beta1.Empty;
import io.qatvirt.plugin.api.v1beta1.ListAndWatchResponse;
import io.qatvirt.plugin.api.v1beta1.NUMANode;
import io.qatvirt.plugin.api.v1beta1.PreStartContainerRequest;
import io.qatvirt.plugin.api.v1beta1.PreStartContainerResponse;
import io.qatvirt.plugin.api.v1beta1.PreferredAllocationRequest;
import io.qatvirt.plugin.api.v1beta1.TopologyInfo;
import io.qatvirt.plugin.device.Health;
import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.Vf;
import io.qatvirt.plugin.device.VfioGroup;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DevicePluginServiceTest {
  private static final String RESOURCE = "qat.intel.com/generic";

  private static Vf vf(String address, int group, int numa, Health health, String reason) {
    return new Vf(
        PciAddress.parse(address).orElseThrow(),
        Optional.of(PciAddress.parse("0000:3d:00.0").orElseThrow()),
        address.charAt(address.length() - 1) - '0',
        "generic",
        new VfioGroup(group, false),
        numa,
        Optional.of("vfio-pci"),
        health,
        reason);
  }

  private static final List<Vf> VFS =
      List.of(
          vf("0000:3d:01.0", 10, 0, Health.HEALTHY, ""),
          vf("0000:3d:01.1", 11, -1, Health.HEALTHY, ""),
          vf("0000:3d:01.2", 12, 0, Health.UNHEALTHY, "/dev/vfio/12 is missing"));

  private DevicePluginService service;
  private Server server;
  private ManagedChannel channel;
  private DevicePluginGrpc.DevicePluginBlockingStub stub;

  @BeforeEach
  void serve() throws Exception {
    service =
        new DevicePluginService(
            RESOURCE,
            VFS,
            new PreferredAllocator(AllocationPolicy.BALANCED),
            KubeletEvents.NONE,
            FakeNodeVfs.showing(VFS));
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name).directExecutor().addService(service).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    stub = DevicePluginGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  private static Device device(String id, String health, long numa) {
    Device.Builder d = Device.newBuilder().setID(id).setHealth(health);
    if (numa >= 0) {
      d.setTopology(TopologyInfo.newBuilder().addNodes(NUMANode.newBuilder().setID(numa)));
    }
    return d.build();
  }

  @Test
  void offersPreferredAllocationButNoPreStart() {
    assertEquals(
        DevicePluginOptions.newBuilder().setGetPreferredAllocationAvailable(true).build(),
        stub.getDevicePluginOptions(Empty.getDefaultInstance()));
  }

  @Test
  void listAndWatchSendsTheFullListAtOnceAndOnEveryChange() throws Exception {
    BlockingQueue<ListAndWatchResponse> received = new LinkedBlockingQueue<>();
    DevicePluginGrpc.newStub(channel).listAndWatch(Empty.getDefaultInstance(), collect(received));

    assertEquals(
        List.of(
            device("0000:3d:01.0", "Healthy", 0),
            device("0000:3d:01.1", "Healthy", -1),
            device("0000:3d:01.2", "Unhealthy", 0)),
        received.poll(5, TimeUnit.SECONDS).getDevicesList());

    service.publish(List.of(VFS.get(0).withHealth(Health.UNHEALTHY, "heartbeat failed")));

    assertEquals(
        List.of(device("0000:3d:01.0", "Unhealthy", 0)),
        received.poll(5, TimeUnit.SECONDS).getDevicesList());
  }

  @Test
  void forgetsAStreamWhoseClientWentAway() throws Exception {
    BlockingQueue<ListAndWatchResponse> received = new LinkedBlockingQueue<>();
    io.grpc.Context.CancellableContext context = io.grpc.Context.current().withCancellation();
    context.run(
        () ->
            DevicePluginGrpc.newStub(channel)
                .listAndWatch(Empty.getDefaultInstance(), collect(received)));
    received.poll(5, TimeUnit.SECONDS);
    assertEquals(1, service.openStreams());

    context.cancel(null);

    await().atMost(Duration.ofSeconds(30)).until(() -> service.openStreams() == 0);
    service.publish(VFS);
  }

  @Test
  void allocatesDeviceNodesAndEnvsPerContainer() {
    AllocateResponse response =
        stub.allocate(
            AllocateRequest.newBuilder()
                .addContainerRequests(
                    ContainerAllocateRequest.newBuilder()
                        .addDevicesIds("0000:3d:01.1")
                        .addDevicesIds("0000:3d:01.0"))
                .addContainerRequests(
                    ContainerAllocateRequest.newBuilder().addDevicesIds("0000:3d:01.0"))
                .build());

    assertEquals(
        AllocateResponse.newBuilder()
            .addContainerResponses(
                ContainerAllocateResponse.newBuilder()
                    .addDevices(spec("/dev/vfio/vfio"))
                    .addDevices(spec("/dev/vfio/11"))
                    .addDevices(spec("/dev/vfio/10"))
                    .putAllEnvs(
                        Map.of(
                            "PCI_RESOURCE_QAT_INTEL_COM_GENERIC", "0000:3d:01.1,0000:3d:01.0",
                            "QAT_GENERIC_0", "0000:3d:01.0",
                            "QAT_GENERIC_1", "0000:3d:01.1")))
            .addContainerResponses(
                ContainerAllocateResponse.newBuilder()
                    .addDevices(spec("/dev/vfio/vfio"))
                    .addDevices(spec("/dev/vfio/10"))
                    .putAllEnvs(
                        Map.of(
                            "PCI_RESOURCE_QAT_INTEL_COM_GENERIC", "0000:3d:01.0",
                            "QAT_GENERIC_0", "0000:3d:01.0")))
            .build(),
        response);
  }

  private static DeviceSpec spec(String path) {
    return DeviceSpec.newBuilder()
        .setHostPath(path)
        .setContainerPath(path)
        .setPermissions("rw")
        .build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"../../etc", "", "0000:3d:01.8", "3d:01.0", "/dev/vfio/10"})
  void refusesAMalformedIdAsInvalidArgument(String id) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> allocate(id));

    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals(
        "tried to allocate device \""
            + id
            + "\", but it is not a PCI address (expected dddd:bb:dd.f, e.g. 0000:3d:01.1)",
        e.getStatus().getDescription());
  }

  @Test
  void refusesAnUnknownIdAsNotFound() {
    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> allocate("0000:3d:01.7"));

    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    assertEquals(
        "tried to allocate device 0000:3d:01.7, but it is not advertised under"
            + " qat.intel.com/generic on this node (removed, or another resource)",
        e.getStatus().getDescription());
  }

  @Test
  void refusesAnUnhealthyDeviceAsFailedPrecondition() {
    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> allocate("0000:3d:01.2"));

    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    assertEquals(
        "tried to allocate device 0000:3d:01.2, but it is unhealthy: /dev/vfio/12 is missing",
        e.getStatus().getDescription());
  }

  @Test
  void stillAnswersAfterABadRequest() {
    assertThrows(StatusRuntimeException.class, () -> allocate("../../etc"));

    assertEquals(
        "0000:3d:01.0",
        allocate("0000:3d:01.0").getContainerResponses(0).getEnvsMap().get("QAT_GENERIC_0"));
  }

  private AllocateResponse allocate(String id) {
    return stub.allocate(
        AllocateRequest.newBuilder()
            .addContainerRequests(ContainerAllocateRequest.newBuilder().addDevicesIds(id))
            .build());
  }

  @Test
  void prefersDevicesPerContainer() {
    assertEquals(
        List.of("0000:3d:01.1"),
        stub.getPreferredAllocation(preferred(List.of("0000:3d:01.1", "0000:3d:01.0"), 1))
            .getContainerResponses(0)
            .getDeviceIDsList());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 3})
  void refusesAnImpossiblePreferredSizeAsInvalidArgument(int size) {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                stub.getPreferredAllocation(
                    preferred(List.of("0000:3d:01.0", "0000:3d:01.1"), size)));

    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().startsWith("tried to prefer " + size + " devices"));
  }

  @Test
  void refusesAPreferredSizeBelowTheMustIncludeCount() {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                stub.getPreferredAllocation(
                    PreferredAllocationRequest.newBuilder()
                        .addContainerRequests(
                            ContainerPreferredAllocationRequest.newBuilder()
                                .addAvailableDeviceIDs("0000:3d:01.0")
                                .addMustIncludeDeviceIDs("0000:3d:01.0")
                                .addMustIncludeDeviceIDs("0000:3d:01.1")
                                .setAllocationSize(1))
                        .build()));

    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals(
        "tried to prefer 1 devices, but 2 must be included, more than the size",
        e.getStatus().getDescription());
  }

  @Test
  void refusesAMalformedAvailableIdAsInvalidArgument() {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () -> stub.getPreferredAllocation(preferred(List.of("0000:3d:01.0", "../../etc"), 1)));

    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals(
        "tried to prefer device \"../../etc\", but it is not a PCI address (expected"
            + " dddd:bb:dd.f, e.g. 0000:3d:01.1)",
        e.getStatus().getDescription());
  }

  private static PreferredAllocationRequest preferred(List<String> available, int size) {
    return PreferredAllocationRequest.newBuilder()
        .addContainerRequests(
            ContainerPreferredAllocationRequest.newBuilder()
                .addAllAvailableDeviceIDs(available)
                .setAllocationSize(size))
        .build();
  }

  @Test
  void answersPreStartContainerWithNothing() {
    assertEquals(
        PreStartContainerResponse.getDefaultInstance(),
        stub.preStartContainer(
            PreStartContainerRequest.newBuilder().addDevicesIds("0000:3d:01.0").build()));
  }

  private static StreamObserver<ListAndWatchResponse> collect(
      BlockingQueue<ListAndWatchResponse> into) {
    return new StreamObserver<>() {
      @Override
      public void onNext(ListAndWatchResponse value) {
        into.add(value);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
  }
}
