package io.qatvirt.demo.kubelet;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.qatvirt.plugin.api.v1beta1.AllocateRequest;
import io.qatvirt.plugin.api.v1beta1.AllocateResponse;
import io.qatvirt.plugin.api.v1beta1.ContainerAllocateRequest;
import io.qatvirt.plugin.api.v1beta1.ContainerAllocateResponse;
import io.qatvirt.plugin.api.v1beta1.ContainerPreferredAllocationRequest;
import io.qatvirt.plugin.api.v1beta1.Device;
import io.qatvirt.plugin.api.v1beta1.DevicePluginGrpc;
import io.qatvirt.plugin.api.v1beta1.DevicePluginOptions;
import io.qatvirt.plugin.api.v1beta1.Empty;
import io.qatvirt.plugin.api.v1beta1.ListAndWatchResponse;
import io.qatvirt.plugin.api.v1beta1.PreferredAllocationRequest;
import io.qatvirt.plugin.api.v1beta1.RegisterRequest;
import io.qatvirt.plugin.api.v1beta1.RegistrationGrpc;
import io.qatvirt.plugin.kubelet.GrpcTransport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Plays the kubelet's device manager over the real gRPC API: a {@code Registration} server on
 * {@code kubelet.sock}; for each accepted Register it dials the plugin's socket, asks for its
 * options and keeps one ListAndWatch stream open; {@link #allocate} picks devices as kubelet does
 * (the plugin's preferred allocation when it offers one, among healthy devices not yet given out)
 * and calls Allocate for one container.
 */
public final class KubeletStandIn implements AutoCloseable {

  /** What kubelet learned from one plugin. */
  public record PluginView(
      String resourceName, String endpoint, DevicePluginOptions options, List<Device> devices) {}

  /** What one container got. */
  public record Allocation(List<String> deviceIds, ContainerAllocateResponse response) {}

  private static final Pattern RESOURCE_NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

  private final Path dir;
  private final GrpcTransport transport;
  private final Consumer<String> events;
  private final ExecutorService dialer =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "kubelet-standin-dialer");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, PluginView> plugins = new LinkedHashMap<>();
  private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();
  private final Map<String, Set<String>> allocated = new LinkedHashMap<>();
  private Server server;
  private volatile boolean closing;

  /**
   * @param dir the device plugin directory ({@code /var/lib/kubelet/device-plugins} on a node)
   * @param transport how to serve and dial Unix sockets
   * @param events told one line per event (registration, device list update)
   */
  public KubeletStandIn(Path dir, GrpcTransport transport, Consumer<String> events) {
    this.dir = dir;
    this.transport = transport;
    this.events = events;
  }

  public Path socket() {
    return dir.resolve("kubelet.sock");
  }

  public KubeletStandIn start() throws IOException {
    server = transport.serve(socket(), new Registration());
    return this;
  }

  /** Waits until every named resource is registered and has sent at least one device list. */
  public synchronized Map<String, PluginView> awaitResources(Set<String> names, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!plugins.keySet().containsAll(names)
        || names.stream().anyMatch(n -> plugins.get(n).devices() == null)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new IllegalStateException(
            "tried to wait for the plugin to register "
                + names
                + ", but after "
                + timeout.toSeconds()
                + " s only "
                + plugins.keySet()
                + " had registered and sent devices");
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    Map<String, PluginView> view = new LinkedHashMap<>();
    names.forEach(n -> view.put(n, plugins.get(n)));
    return view;
  }

  /** The last device list a resource's plugin sent; empty if it has not registered. */
  public synchronized List<Device> devices(String resourceName) {
    PluginView view = plugins.get(resourceName);
    return view == null || view.devices() == null ? List.of() : view.devices();
  }

  /**
   * Allocates {@code count} devices of a resource to one container, as kubelet does when the
   * container is created.
   *
   * @throws IllegalStateException when fewer healthy devices are free than asked for
   * @throws io.grpc.StatusRuntimeException when the plugin refuses
   */
  public Allocation allocate(String resourceName, int count) {
    ManagedChannel channel;
    List<String> free;
    DevicePluginOptions options;
    synchronized (this) {
      channel = channels.get(resourceName);
      PluginView view = plugins.get(resourceName);
      if (channel == null || view == null) {
        throw new IllegalStateException(
            "tried to allocate " + resourceName + ", but no plugin registered it");
      }
      options = view.options();
      Set<String> taken = allocated.getOrDefault(resourceName, Set.of());
      free =
          devices(resourceName).stream()
              .filter(d -> d.getHealth().equals("Healthy"))
              .map(Device::getID)
              .filter(id -> !taken.contains(id))
              .toList();
    }
    if (free.size() < count) {
      throw new IllegalStateException(
          "tried to allocate "
              + count
              + " of "
              + resourceName
              + ", but only "
              + free.size()
              + " healthy devices are free");
    }
    var stub = DevicePluginGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    List<String> chosen = free.subList(0, count);
    if (options.getGetPreferredAllocationAvailable()) {
      List<String> preferred =
          stub.getPreferredAllocation(
                  PreferredAllocationRequest.newBuilder()
                      .addContainerRequests(
                          ContainerPreferredAllocationRequest.newBuilder()
                              .addAllAvailableDeviceIDs(free)
                              .setAllocationSize(count))
                      .build())
              .getContainerResponses(0)
              .getDeviceIDsList();
      // Kubelet uses the answer only when it is a valid choice.
      if (preferred.size() == count && free.containsAll(preferred)) {
        chosen = preferred;
      }
    }
    AllocateResponse response =
        stub.allocate(
            AllocateRequest.newBuilder()
                .addContainerRequests(
                    ContainerAllocateRequest.newBuilder().addAllDevicesIds(chosen))
                .build());
    synchronized (this) {
      allocated.computeIfAbsent(resourceName, k -> new LinkedHashSet<>()).addAll(chosen);
    }
    return new Allocation(List.copyOf(chosen), response.getContainerResponses(0));
  }

  @Override
  public void close() {
    closing = true;
    dialer.shutdownNow();
    List<ManagedChannel> open;
    synchronized (this) {
      open = new ArrayList<>(channels.values());
      channels.clear();
    }
    open.forEach(ManagedChannel::shutdownNow);
    if (server != null) {
      server.shutdownNow();
    }
  }

  private void accepted(RegisterRequest request) {
    String resource = request.getResourceName();
    ManagedChannel channel = transport.dial(dir.resolve(request.getEndpoint()));
    DevicePluginOptions options =
        DevicePluginGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .getDevicePluginOptions(Empty.getDefaultInstance());
    ManagedChannel previous;
    synchronized (this) {
      previous = channels.put(resource, channel);
      plugins.put(resource, new PluginView(resource, request.getEndpoint(), options, null));
    }
    if (previous != null) {
      previous.shutdownNow();
    }
    DevicePluginGrpc.newStub(channel)
        .listAndWatch(Empty.getDefaultInstance(), new DeviceListObserver(resource, request));
  }

  private synchronized void updated(String resource, List<Device> devices) {
    PluginView old = plugins.get(resource);
    if (old != null) {
      plugins.put(
          resource, new PluginView(resource, old.endpoint(), old.options(), List.copyOf(devices)));
      notifyAll();
    }
  }

  private final class Registration extends RegistrationGrpc.RegistrationImplBase {
    @Override
    public void register(RegisterRequest request, StreamObserver<Empty> reply) {
      if (!"v1beta1".equals(request.getVersion())) {
        reply.onError(
            Status.INVALID_ARGUMENT
                .withDescription("unsupported device plugin API version " + request.getVersion())
                .asRuntimeException());
        return;
      }
      if (!RESOURCE_NAME.matcher(request.getResourceName()).matches()
          || request.getEndpoint().contains("/")) {
        reply.onError(
            Status.INVALID_ARGUMENT
                .withDescription(
                    "invalid resource name "
                        + request.getResourceName()
                        + " or endpoint "
                        + request.getEndpoint())
                .asRuntimeException());
        return;
      }
      events.accept(
          "kubelet: plugin registered "
              + request.getResourceName()
              + " at "
              + request.getEndpoint());
      reply.onNext(Empty.getDefaultInstance());
      reply.onCompleted();
      dialer.execute(
          () -> {
            try {
              accepted(request);
            } catch (RuntimeException e) {
              events.accept(
                  "kubelet: tried to reach " + request.getEndpoint() + ", but " + e.getMessage());
            }
          });
    }
  }

  private final class DeviceListObserver implements StreamObserver<ListAndWatchResponse> {
    private final String resource;
    private final RegisterRequest request;

    DeviceListObserver(String resource, RegisterRequest request) {
      this.resource = resource;
      this.request = request;
    }

    @Override
    public void onNext(ListAndWatchResponse response) {
      long healthy =
          response.getDevicesList().stream().filter(d -> d.getHealth().equals("Healthy")).count();
      events.accept(
          "kubelet: "
              + resource
              + " capacity "
              + response.getDevicesCount()
              + ", allocatable "
              + healthy);
      updated(resource, response.getDevicesList());
    }

    @Override
    public void onError(Throwable t) {
      if (closing) {
        return;
      }
      events.accept("kubelet: ListAndWatch of " + request.getResourceName() + " ended: " + t);
    }

    @Override
    public void onCompleted() {
      if (closing) {
        return;
      }
      events.accept("kubelet: ListAndWatch of " + request.getResourceName() + " closed");
    }
  }
}
