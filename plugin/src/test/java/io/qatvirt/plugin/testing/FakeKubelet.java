package io.qatvirt.plugin.testing;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.qatvirt.plugin.api.v1beta1.AllocateRequest;
import io.qatvirt.plugin.api.v1beta1.ContainerAllocateRequest;
import io.qatvirt.plugin.api.v1beta1.ContainerAllocateResponse;
import io.qatvirt.plugin.api.v1beta1.ContainerPreferredAllocationRequest;
import io.qatvirt.plugin.api.v1beta1.Device;
import io.qatvirt.plugin.api.v1beta1.DevicePluginGrpc;
import io.qatvirt.plugin.api.v1beta1.Empty;
import io.qatvirt.plugin.api.v1beta1.ListAndWatchResponse;
import io.qatvirt.plugin.api.v1beta1.PreferredAllocationRequest;
import io.qatvirt.plugin.api.v1beta1.RegisterRequest;
import io.qatvirt.plugin.api.v1beta1.RegistrationGrpc;
import io.qatvirt.plugin.kubelet.GrpcTransport;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Plays kubelet's device manager for the tests, the demo and the real-kernel guest: a real {@code
 * Registration} server on {@code kubelet.sock} in a directory; on each accepted Register it dials
 * the plugin's endpoint and opens ListAndWatch, recording every update with its time; {@link
 * #allocate} picks devices as kubelet does (the plugin's preferred allocation when it offers one,
 * among healthy devices not yet given out) and calls Allocate for one container. Behaviour is set
 * through the public fields, which have kubelet-like defaults.
 *
 * <p>It speaks gRPC through the transport it is given: the tests give it Netty ({@link
 * NettyUnixTransport}), a different implementation than the plugin's, as the real kubelet (grpc-go)
 * is. Waiting methods wait on the condition (they are woken by each registration and update), never
 * on a fixed time.
 */
public final class FakeKubelet implements AutoCloseable {

  /** One ListAndWatch message as received. */
  public record Update(long epochMillis, long nanoTime, String resource, List<Device> devices) {
    public long healthy() {
      return devices.stream().filter(d -> d.getHealth().equals("Healthy")).count();
    }

    /** The devices as {@code ID=Health@numa} (no {@code @numa} without topology), space-joined. */
    public String describeDevices() {
      return String.join(
          " ",
          devices.stream()
              .map(
                  d ->
                      d.getID()
                          + "="
                          + d.getHealth()
                          + (d.hasTopology() ? "@" + d.getTopology().getNodes(0).getID() : ""))
              .toList());
    }
  }

  /** What one container got from {@link #allocate}. */
  public record Allocation(List<String> deviceIds, ContainerAllocateResponse response) {}

  private static final Pattern RESOURCE_NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

  /** The answer to a Register call; kubelet's checks by default. */
  public volatile Function<RegisterRequest, Status> registerAnswer = FakeKubelet::kubeletChecks;

  /** Whether to dial the plugin and open ListAndWatch after an accepted Register. */
  public volatile boolean watchAfterRegister = true;

  /** Called with every update as it arrives (GuestKubelet prints them for the real-kernel run). */
  public volatile Consumer<Update> onUpdate = update -> {};

  /** Told one line per event, as kubelet would log it (the demo shows them). */
  public volatile Consumer<String> events = line -> {};

  public final List<RegisterRequest> registrations = new CopyOnWriteArrayList<>();
  public final List<Update> updates = new CopyOnWriteArrayList<>();

  /** How each ListAndWatch stream ended: {@code <resource> <status>} or {@code completed}. */
  public final List<String> streamEnds = new CopyOnWriteArrayList<>();

  private final Path dir;
  private final GrpcTransport transport;
  private final Map<String, ManagedChannel> pluginChannels = new ConcurrentHashMap<>();
  private final Map<String, ManagedChannel> watchChannels = new ConcurrentHashMap<>();
  private final Map<String, RegisterRequest> accepted = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> allocated = new HashMap<>();

  /** Notified on every registration, update and stream end; the waiting methods wait on it. */
  private final Object changes = new Object();

  private volatile boolean closing;
  private Server server;

  public FakeKubelet(Path dir, GrpcTransport transport) {
    this.dir = dir;
    this.transport = transport;
  }

  public Path socket() {
    return dir.resolve("kubelet.sock");
  }

  public synchronized FakeKubelet start() throws IOException {
    server = transport.serve(socket(), new Registration());
    return this;
  }

  /** What kubelet does when it restarts: drops its clients, removes every socket, serves anew. */
  public synchronized void restart() throws IOException {
    stopServing();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        Files.deleteIfExists(file);
      }
    }
    start();
  }

  /** Kubelet's stub for one plugin endpoint (a socket file name in the directory). */
  public DevicePluginGrpc.DevicePluginBlockingStub plugin(String endpoint) {
    return DevicePluginGrpc.newBlockingStub(
        pluginChannels.computeIfAbsent(endpoint, e -> transport.dial(dir.resolve(e))));
  }

  /** Waits until {@code count} Register calls arrived in all; returns them. */
  public List<RegisterRequest> awaitRegistrations(int count, Duration timeout) {
    await(() -> registrations.size() >= count, timeout, count + " registrations");
    return List.copyOf(registrations);
  }

  /** Waits for an update (received since the start) that matches. */
  public Update awaitUpdate(Predicate<Update> matching, Duration timeout) {
    await(() -> updates.stream().anyMatch(matching), timeout, "a matching ListAndWatch update");
    return updates.stream().filter(matching).findFirst().orElseThrow();
  }

  /**
   * Waits until every named resource is registered and has sent a device list; returns each one's
   * accepted registration.
   */
  public Map<String, RegisterRequest> awaitResources(Set<String> names, Duration timeout) {
    await(
        () -> names.stream().allMatch(n -> accepted.containsKey(n) && latest(n).isPresent()),
        timeout,
        "registrations and device lists of " + names);
    Map<String, RegisterRequest> found = new LinkedHashMap<>();
    names.forEach(n -> found.put(n, accepted.get(n)));
    return found;
  }

  /** The newest update of a resource. */
  public Optional<Update> latest(String resource) {
    return updates.stream().filter(u -> u.resource().equals(resource)).reduce((a, b) -> b);
  }

  /** The last device list a resource's plugin sent; empty if none came. */
  public List<Device> devices(String resource) {
    return latest(resource).map(Update::devices).orElse(List.of());
  }

  /**
   * Allocates {@code count} devices of a resource to one container, as kubelet does when the
   * container is created.
   *
   * @throws IllegalStateException when no plugin registered the resource, or fewer healthy devices
   *     are free than asked for
   * @throws io.grpc.StatusRuntimeException when the plugin refuses
   */
  public Allocation allocate(String resource, int count) {
    RegisterRequest registration = accepted.get(resource);
    if (registration == null) {
      throw new IllegalStateException(
          "tried to allocate " + resource + ", but no plugin registered it");
    }
    List<String> free;
    synchronized (allocated) {
      Set<String> taken = allocated.getOrDefault(resource, Set.of());
      free =
          devices(resource).stream()
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
              + resource
              + ", but only "
              + free.size()
              + " healthy devices are free");
    }
    var stub = plugin(registration.getEndpoint()).withDeadlineAfter(10, TimeUnit.SECONDS);
    List<String> chosen = free.subList(0, count);
    if (stub.getDevicePluginOptions(Empty.getDefaultInstance())
        .getGetPreferredAllocationAvailable()) {
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
    ContainerAllocateResponse response =
        stub.allocate(
                AllocateRequest.newBuilder()
                    .addContainerRequests(
                        ContainerAllocateRequest.newBuilder().addAllDevicesIds(chosen))
                    .build())
            .getContainerResponses(0);
    synchronized (allocated) {
      allocated.computeIfAbsent(resource, k -> new LinkedHashSet<>()).addAll(chosen);
    }
    return new Allocation(List.copyOf(chosen), response);
  }

  /** The checks kubelet makes before accepting a registration. */
  public static Status kubeletChecks(RegisterRequest request) {
    if (!request.getVersion().equals("v1beta1")) {
      return Status.INVALID_ARGUMENT.withDescription(
          "unsupported device plugin API version " + request.getVersion());
    }
    if (!RESOURCE_NAME.matcher(request.getResourceName()).matches()) {
      return Status.INVALID_ARGUMENT.withDescription(
          "invalid resource name " + request.getResourceName());
    }
    if (request.getEndpoint().contains("/")) {
      return Status.INVALID_ARGUMENT.withDescription(
          "endpoint must be a file name: " + request.getEndpoint());
    }
    return Status.OK;
  }

  private void await(BooleanSupplier done, Duration timeout, String what) {
    long end = System.nanoTime() + timeout.toNanos();
    synchronized (changes) {
      while (!done.getAsBoolean()) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              "fake kubelet: waited "
                  + timeout
                  + " for "
                  + what
                  + " in vain; streams ended: "
                  + streamEnds);
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(changes, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }

  /** Wakes the waiting methods: something they wait for may have happened. */
  private void changed() {
    synchronized (changes) {
      changes.notifyAll();
    }
  }

  private void watch(RegisterRequest request) {
    String resource = request.getResourceName();
    ManagedChannel channel = transport.dial(dir.resolve(request.getEndpoint()));
    ManagedChannel old = watchChannels.put(request.getEndpoint(), channel);
    if (old != null) {
      old.shutdownNow();
    }
    DevicePluginGrpc.newStub(channel)
        .listAndWatch(
            Empty.getDefaultInstance(),
            new StreamObserver<>() {
              @Override
              public void onNext(ListAndWatchResponse value) {
                Update update =
                    new Update(
                        System.currentTimeMillis(),
                        System.nanoTime(),
                        resource,
                        value.getDevicesList());
                updates.add(update);
                events.accept(
                    "kubelet: "
                        + resource
                        + " capacity "
                        + update.devices().size()
                        + ", allocatable "
                        + update.healthy());
                onUpdate.accept(update);
                changed();
              }

              @Override
              public void onError(Throwable t) {
                ended(resource + " " + Status.fromThrowable(t));
              }

              @Override
              public void onCompleted() {
                ended(resource + " completed");
              }
            });
  }

  private void ended(String how) {
    streamEnds.add(how);
    if (!closing) {
      events.accept("kubelet: ListAndWatch of " + how);
    }
    changed();
  }

  private final class Registration extends RegistrationGrpc.RegistrationImplBase {
    @Override
    public void register(RegisterRequest request, StreamObserver<Empty> response) {
      registrations.add(request);
      Status status = registerAnswer.apply(request);
      if (!status.isOk()) {
        changed();
        response.onError(status.asRuntimeException());
        return;
      }
      accepted.put(request.getResourceName(), request);
      events.accept(
          "kubelet: plugin registered "
              + request.getResourceName()
              + " at "
              + request.getEndpoint());
      changed();
      response.onNext(Empty.getDefaultInstance());
      response.onCompleted();
      if (watchAfterRegister) {
        // outlive the Register call, whose context ends when it returns
        Context.current().fork().run(() -> watch(request));
      }
    }
  }

  private synchronized void stopServing() {
    pluginChannels.values().forEach(ManagedChannel::shutdownNow);
    pluginChannels.clear();
    watchChannels.values().forEach(ManagedChannel::shutdownNow);
    watchChannels.clear();
    if (server != null) {
      server.shutdownNow();
      try {
        server.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      server = null;
    }
  }

  @Override
  public void close() throws IOException {
    closing = true;
    stopServing();
    Files.deleteIfExists(socket());
  }
}
