package io.qatvirt.plugin.cli;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.qatvirt.plugin.api.v1beta1.AllocateRequest;
import io.qatvirt.plugin.api.v1beta1.AllocateResponse;
import io.qatvirt.plugin.api.v1beta1.ContainerAllocateRequest;
import io.qatvirt.plugin.api.v1beta1.ContainerAllocateResponse;
import io.qatvirt.plugin.api.v1beta1.Device;
import io.qatvirt.plugin.api.v1beta1.DevicePluginGrpc;
import io.qatvirt.plugin.api.v1beta1.DevicePluginOptions;
import io.qatvirt.plugin.api.v1beta1.DeviceSpec;
import io.qatvirt.plugin.api.v1beta1.Empty;
import io.qatvirt.plugin.api.v1beta1.ListAndWatchResponse;
import io.qatvirt.plugin.kubelet.GrpcTransport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The query command's conversation with a plugin; prints the stable line format of {@link
 * QueryCommand}.
 */
final class PluginQuery {
  private final GrpcTransport transport;
  private final Path socket;
  private final Duration timeout;
  private final PrintWriter out;
  private final PrintWriter err;

  /** One message of the ListAndWatch stream, or how it ended. */
  private record Event(Optional<ListAndWatchResponse> response, Optional<Status> end) {}

  PluginQuery(
      GrpcTransport transport, Path socket, Duration timeout, PrintWriter out, PrintWriter err) {
    this.transport = transport;
    this.socket = socket;
    this.timeout = timeout;
    this.out = out;
    this.err = err;
  }

  int run(Optional<List<String>> allocate, Optional<Duration> watch) {
    if (!Files.exists(socket)) {
      return fail("tried to reach the plugin at " + socket + ", but the socket does not exist");
    }
    ManagedChannel channel = transport.dial(socket);
    try {
      DevicePluginOptions options =
          DevicePluginGrpc.newBlockingStub(channel)
              .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .getDevicePluginOptions(Empty.getDefaultInstance());
      out.printf(
          "options pre_start_required=%s get_preferred_allocation_available=%s%n",
          options.getPreStartRequired(), options.getGetPreferredAllocationAvailable());
      BlockingQueue<Event> events = new LinkedBlockingQueue<>();
      DevicePluginGrpc.newStub(channel).listAndWatch(Empty.getDefaultInstance(), into(events));
      Event first = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (first == null || first.response().isEmpty()) {
        return fail(
            "tried to ListAndWatch on "
                + socket
                + ", but "
                + (first == null ? "no device list came within " + timeout : first.end().get()));
      }
      printDevices(first.response().get());
      if (allocate.isPresent()) {
        printAllocation(
            DevicePluginGrpc.newBlockingStub(channel)
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .allocate(
                    AllocateRequest.newBuilder()
                        .addContainerRequests(
                            ContainerAllocateRequest.newBuilder().addAllDevicesIds(allocate.get()))
                        .build()));
      }
      if (watch.isPresent()) {
        return watch(events, watch.get());
      }
      return 0;
    } catch (StatusRuntimeException e) {
      return fail("tried to call the plugin at " + socket + ", but " + describe(e.getStatus()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    } finally {
      channel.shutdownNow();
      out.flush();
    }
  }

  private int watch(BlockingQueue<Event> events, Duration duration) throws InterruptedException {
    long end = System.nanoTime() + duration.toNanos();
    while (true) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return 0;
      }
      Event event = events.poll(left, TimeUnit.NANOSECONDS);
      if (event == null) {
        return 0;
      }
      if (event.response().isEmpty()) {
        return fail(
            "tried to watch "
                + socket
                + ", but the stream ended: "
                + event.end().map(PluginQuery::describe).orElse("?"));
      }
      ListAndWatchResponse update = event.response().get();
      long healthy =
          update.getDevicesList().stream().filter(d -> d.getHealth().equals("Healthy")).count();
      out.printf(
          "update %d %d devices (%d healthy)%n",
          System.currentTimeMillis(), update.getDevicesCount(), healthy);
      printDevices(update);
      out.flush();
    }
  }

  private void printDevices(ListAndWatchResponse list) {
    for (Device d : list.getDevicesList()) {
      String numa =
          d.hasTopology() && d.getTopology().getNodesCount() > 0
              ? Long.toString(d.getTopology().getNodes(0).getID())
              : "none";
      out.printf("device %s %s numa=%s%n", d.getID(), d.getHealth(), numa);
    }
  }

  private void printAllocation(AllocateResponse response) {
    for (ContainerAllocateResponse container : response.getContainerResponsesList()) {
      for (DeviceSpec spec : container.getDevicesList()) {
        out.printf(
            "devicespec %s %s %s%n",
            spec.getHostPath(), spec.getContainerPath(), spec.getPermissions());
      }
      container.getEnvsMap().forEach((k, v) -> out.printf("env %s=%s%n", k, v));
    }
  }

  private int fail(String message) {
    out.flush();
    err.println("qat-device-plugin query: " + message);
    err.flush();
    return 1;
  }

  private static String describe(Status status) {
    return status.getCode()
        + (status.getDescription() == null ? "" : ": " + status.getDescription());
  }

  private static StreamObserver<ListAndWatchResponse> into(BlockingQueue<Event> events) {
    return new StreamObserver<>() {
      @Override
      public void onNext(ListAndWatchResponse value) {
        events.add(new Event(Optional.of(value), Optional.empty()));
      }

      @Override
      public void onError(Throwable t) {
        events.add(new Event(Optional.empty(), Optional.of(Status.fromThrowable(t))));
      }

      @Override
      public void onCompleted() {
        events.add(new Event(Optional.empty(), Optional.of(Status.OK)));
      }
    };
  }
}
