package io.qatvirt.plugin.testing;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.qatvirt.plugin.api.v1beta1.Device;
import io.qatvirt.plugin.api.v1beta1.DevicePluginGrpc;
import io.qatvirt.plugin.api.v1beta1.Empty;
import io.qatvirt.plugin.api.v1beta1.ListAndWatchResponse;
import io.qatvirt.plugin.api.v1beta1.RegisterRequest;
import io.qatvirt.plugin.api.v1beta1.RegistrationGrpc;
import io.qatvirt.plugin.kubelet.GrpcTransport;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Plays kubelet for tests and scripts: a real {@code Registration} server on {@code kubelet.sock}
 * in a directory; on each accepted Register it dials the plugin's endpoint and opens ListAndWatch,
 * recording every update with its time. Behaviour is set through the public fields, which have
 * kubelet-like defaults.
 *
 * <p>{@code java -cp <test-classes>:<plugin jar> io.qatvirt.plugin.testing.FakeKubelet <dir>
 * [seconds]} prints {@code register <resource> <endpoint>} and {@code update <epoch-ms> <resource>
 * <n> devices (<healthy> healthy)} lines followed by {@code device <ID> <health> numa=<n>} lines.
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

  /** The answer to a Register call; kubelet's checks by default. */
  public Function<RegisterRequest, Status> registerAnswer = FakeKubelet::kubeletChecks;

  /** Whether to dial the plugin and open ListAndWatch after an accepted Register. */
  public boolean watchAfterRegister = true;

  /** Called with every update as it arrives (GuestKubelet prints them for the real-kernel run). */
  public Consumer<Update> onUpdate = update -> {};

  public final List<RegisterRequest> registrations = new CopyOnWriteArrayList<>();
  public final List<Update> updates = new CopyOnWriteArrayList<>();

  /** How each ListAndWatch stream ended: {@code <resource> <status>} or {@code completed}. */
  public final List<String> streamEnds = new CopyOnWriteArrayList<>();

  private final Path dir;
  private final GrpcTransport transport;
  private final Map<String, ManagedChannel> pluginChannels = new ConcurrentHashMap<>();
  private final Map<String, ManagedChannel> watchChannels = new ConcurrentHashMap<>();
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

  /** The newest update of a resource. */
  public Optional<Update> latest(String resource) {
    return updates.stream().filter(u -> u.resource().equals(resource)).reduce((a, b) -> b);
  }

  private void await(java.util.function.BooleanSupplier done, Duration timeout, String what) {
    long end = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError(
            "fake kubelet: waited "
                + timeout
                + " for "
                + what
                + " in vain; streams ended: "
                + streamEnds);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** The checks kubelet makes before accepting a registration. */
  public static Status kubeletChecks(RegisterRequest request) {
    if (!request.getVersion().equals("v1beta1")) {
      return Status.INVALID_ARGUMENT.withDescription(
          "unsupported device plugin API version " + request.getVersion());
    }
    if (!request.getResourceName().matches("[a-z0-9.-]+/[A-Za-z0-9._-]+")) {
      return Status.INVALID_ARGUMENT.withDescription(
          "invalid resource name " + request.getResourceName());
    }
    if (request.getEndpoint().contains("/")) {
      return Status.INVALID_ARGUMENT.withDescription(
          "endpoint must be a file name: " + request.getEndpoint());
    }
    return Status.OK;
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
                onUpdate.accept(update);
              }

              @Override
              public void onError(Throwable t) {
                streamEnds.add(resource + " " + io.grpc.Status.fromThrowable(t));
              }

              @Override
              public void onCompleted() {
                streamEnds.add(resource + " completed");
              }
            });
  }

  private final class Registration extends RegistrationGrpc.RegistrationImplBase {
    @Override
    public void register(RegisterRequest request, StreamObserver<Empty> response) {
      registrations.add(request);
      Status status = registerAnswer.apply(request);
      if (!status.isOk()) {
        response.onError(status.asRuntimeException());
        return;
      }
      response.onNext(Empty.getDefaultInstance());
      response.onCompleted();
      if (watchAfterRegister) {
        // outlive the Register call, whose context ends when it returns
        io.grpc.Context.current().fork().run(() -> watch(request));
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
    stopServing();
    Files.deleteIfExists(socket());
  }
}
