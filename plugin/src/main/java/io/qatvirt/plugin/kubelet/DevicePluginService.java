package io.qatvirt.plugin.kubelet;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.qatvirt.plugin.allocation.AllocationException;
import io.qatvirt.plugin.allocation.Allocator;
import io.qatvirt.plugin.allocation.ContainerAllocation;
import io.qatvirt.plugin.allocation.NodeVfs;
import io.qatvirt.plugin.allocation.PreferredAllocator;
import io.qatvirt.plugin.api.v1beta1.AllocateRequest;
import io.qatvirt.plugin.api.v1beta1.AllocateResponse;
import io.qatvirt.plugin.api.v1beta1.ContainerAllocateRequest;
import io.qatvirt.plugin.api.v1beta1.ContainerAllocateResponse;
import io.qatvirt.plugin.api.v1beta1.ContainerPreferredAllocationRequest;
import io.qatvirt.plugin.api.v1beta1.ContainerPreferredAllocationResponse;
import io.qatvirt.plugin.api.v1beta1.DevicePluginGrpc;
import io.qatvirt.plugin.api.v1beta1.DevicePluginOptions;
import io.qatvirt.plugin.api.v1beta1.DeviceSpec;
import io.qatvirt.plugin.api.v1beta1.Empty;
import io.qatvirt.plugin.api.v1beta1.ListAndWatchResponse;
import io.qatvirt.plugin.api.v1beta1.PreStartContainerRequest;
import io.qatvirt.plugin.api.v1beta1.PreStartContainerResponse;
import io.qatvirt.plugin.api.v1beta1.PreferredAllocationRequest;
import io.qatvirt.plugin.api.v1beta1.PreferredAllocationResponse;
import io.qatvirt.plugin.device.Vf;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DevicePlugin service of one resource. Holds the resource's current VF list; {@link #publish}
 * replaces it and sends it, in full, to every open ListAndWatch stream. Allocate checks each
 * requested VF on the node at the time of the call; one bad VF refuses that call only.
 */
public final class DevicePluginService extends DevicePluginGrpc.DevicePluginImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(DevicePluginService.class);

  /** What this plugin tells kubelet it supports. */
  public static final DevicePluginOptions OPTIONS =
      DevicePluginOptions.newBuilder()
          .setPreStartRequired(false)
          .setGetPreferredAllocationAvailable(true)
          .build();

  private final String resourceName;
  private final PreferredAllocator preferredAllocator;
  private final KubeletEvents events;
  private final NodeVfs node;
  private final Set<ServerCallStreamObserver<ListAndWatchResponse>> streams =
      ConcurrentHashMap.newKeySet();
  private volatile List<Vf> devices;
  private ListAndWatchResponse latest;

  public DevicePluginService(
      String resourceName,
      List<Vf> devices,
      PreferredAllocator preferredAllocator,
      KubeletEvents events,
      NodeVfs node) {
    this.resourceName = resourceName;
    this.devices = List.copyOf(devices);
    this.latest = DeviceListMessage.of(this.devices);
    this.preferredAllocator = preferredAllocator;
    this.events = events;
    this.node = node;
  }

  public String resourceName() {
    return resourceName;
  }

  public List<Vf> devices() {
    return devices;
  }

  /** Number of ListAndWatch streams open right now. */
  public int openStreams() {
    return streams.size();
  }

  /** Replaces the VF list and sends it to every open stream. */
  public synchronized void publish(List<Vf> newDevices) {
    devices = List.copyOf(newDevices);
    latest = DeviceListMessage.of(devices);
    for (ServerCallStreamObserver<ListAndWatchResponse> stream : streams) {
      send(stream, latest);
    }
  }

  /** Ends every open stream (the plugin is stopping or re-serving). */
  public synchronized void closeStreams() {
    for (ServerCallStreamObserver<ListAndWatchResponse> stream : streams) {
      try {
        stream.onCompleted();
      } catch (RuntimeException e) {
        LOG.debug("stream of {} already gone: {}", resourceName, e.toString());
      }
    }
    streams.clear();
  }

  @Override
  public void getDevicePluginOptions(Empty request, StreamObserver<DevicePluginOptions> response) {
    response.onNext(OPTIONS);
    response.onCompleted();
  }

  @Override
  public synchronized void listAndWatch(
      Empty request, StreamObserver<ListAndWatchResponse> observer) {
    ServerCallStreamObserver<ListAndWatchResponse> stream =
        (ServerCallStreamObserver<ListAndWatchResponse>) observer;
    stream.setOnCancelHandler(
        () -> {
          if (streams.remove(stream)) {
            LOG.info("ListAndWatch stream of {} closed by kubelet", resourceName);
          }
        });
    streams.add(stream);
    LOG.info(
        "ListAndWatch stream of {} opened, sending {} devices",
        resourceName,
        latest.getDevicesCount());
    send(stream, latest);
  }

  @Override
  public void getPreferredAllocation(
      PreferredAllocationRequest request, StreamObserver<PreferredAllocationResponse> response) {
    try {
      PreferredAllocationResponse.Builder answer = PreferredAllocationResponse.newBuilder();
      for (ContainerPreferredAllocationRequest container : request.getContainerRequestsList()) {
        List<String> chosen =
            preferredAllocator.choose(
                devices,
                container.getAvailableDeviceIDsList(),
                container.getMustIncludeDeviceIDsList(),
                container.getAllocationSize());
        LOG.info(
            "preferred {} of {} under policy {}",
            String.join(",", chosen),
            resourceName,
            preferredAllocator.policy().cliName());
        answer.addContainerResponses(
            ContainerPreferredAllocationResponse.newBuilder().addAllDeviceIDs(chosen));
      }
      response.onNext(answer.build());
      response.onCompleted();
    } catch (AllocationException e) {
      LOG.warn("refused GetPreferredAllocation for {}: {}", resourceName, e.getMessage());
      response.onError(status(e).asRuntimeException());
    }
  }

  @Override
  public void allocate(AllocateRequest request, StreamObserver<AllocateResponse> response) {
    List<Vf> current = devices;
    AllocateResponse.Builder answer = AllocateResponse.newBuilder();
    for (ContainerAllocateRequest container : request.getContainerRequestsList()) {
      ContainerAllocation allocation;
      try {
        allocation = Allocator.allocate(resourceName, current, container.getDevicesIdsList(), node);
      } catch (AllocationException e) {
        LOG.warn("refused Allocate for {}: {}", resourceName, e.getMessage());
        events.allocationRefused(resourceName, e.kind());
        response.onError(status(e).asRuntimeException());
        return;
      }
      ContainerAllocateResponse.Builder out = ContainerAllocateResponse.newBuilder();
      allocation
          .devices()
          .forEach(
              node ->
                  out.addDevices(
                      DeviceSpec.newBuilder()
                          .setHostPath(node.hostPath())
                          .setContainerPath(node.containerPath())
                          .setPermissions(node.permissions())));
      out.putAllEnvs(allocation.envs());
      answer.addContainerResponses(out);
      LOG.info("allocated {} of {}", String.join(",", container.getDevicesIdsList()), resourceName);
      events.allocated(resourceName, container.getDevicesIdsCount());
    }
    response.onNext(answer.build());
    response.onCompleted();
  }

  @Override
  public void preStartContainer(
      PreStartContainerRequest request, StreamObserver<PreStartContainerResponse> response) {
    response.onNext(PreStartContainerResponse.getDefaultInstance());
    response.onCompleted();
  }

  private void send(
      ServerCallStreamObserver<ListAndWatchResponse> stream, ListAndWatchResponse message) {
    if (stream.isCancelled()) {
      streams.remove(stream);
      return;
    }
    try {
      stream.onNext(message);
    } catch (RuntimeException e) {
      streams.remove(stream);
      LOG.info("dropped ListAndWatch stream of {}: {}", resourceName, e.getMessage());
    }
  }

  private static Status status(AllocationException e) {
    Status code =
        switch (e.kind()) {
          case INVALID -> Status.INVALID_ARGUMENT;
          case UNKNOWN, GONE -> Status.NOT_FOUND;
          case UNHEALTHY, CHANGED -> Status.FAILED_PRECONDITION;
        };
    return code.withDescription(e.getMessage());
  }
}
