package io.qatvirt.plugin.realkernel;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.qatvirt.plugin.api.v1beta1.AllocateRequest;
import io.qatvirt.plugin.api.v1beta1.AllocateResponse;
import io.qatvirt.plugin.api.v1beta1.ContainerAllocateRequest;
import io.qatvirt.plugin.api.v1beta1.ContainerAllocateResponse;
import io.qatvirt.plugin.api.v1beta1.Device;
import io.qatvirt.plugin.api.v1beta1.DevicePluginGrpc;
import io.qatvirt.plugin.api.v1beta1.DeviceSpec;
import io.qatvirt.plugin.kubelet.UnixSocketTransport;
import io.qatvirt.plugin.testing.FakeKubelet;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The kubelet stand-in of the real-kernel guest (e2e/real-kernel/scenarios.sh): the plugin's {@link
 * FakeKubelet} on a real Unix socket, printing what it sees with epoch milliseconds, and sending
 * Allocate on request, so one JVM (slow to start under emulation) plays kubelet throughout.
 *
 * <p>{@code GuestKubelet <device-plugins-dir>} prints {@code listening <socket>}, {@code register
 * <epoch-ms> <resource> <endpoint> <code>}, {@code update <epoch-ms> <resource> <n> devices
 * (<healthy> healthy)} followed by {@code device <ID> <health> numa=<n|none>} lines. Each stdin
 * line {@code allocate <endpoint> <ID>[,<ID>...]} sends one Allocate for one container and prints
 * {@code devicespec <host> <container> <permissions>} and {@code env <K>=<V>} lines, then {@code
 * allocated <endpoint>} (or {@code allocate-failed <endpoint> <status>}). It exits when stdin ends.
 */
final class GuestKubelet {
  private GuestKubelet() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: GuestKubelet <device-plugins-dir>");
      System.exit(2);
    }
    PrintStream out = System.out;
    try (UnixSocketTransport transport = new UnixSocketTransport();
        FakeKubelet kubelet = new FakeKubelet(Path.of(args[0]), transport)) {
      kubelet.registerAnswer =
          request -> {
            Status status = FakeKubelet.kubeletChecks(request);
            print(
                out,
                List.of(
                    String.format(
                        "register %d %s %s %s",
                        System.currentTimeMillis(),
                        request.getResourceName(),
                        request.getEndpoint(),
                        status.getCode())));
            return status;
          };
      kubelet.onUpdate = update -> print(out, describe(update));
      kubelet.start();
      print(out, List.of("listening " + kubelet.socket()));
      BufferedReader commands =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = commands.readLine(); line != null; line = commands.readLine()) {
        String[] words = line.trim().split("\\s+");
        if (words.length == 3 && words[0].equals("allocate")) {
          print(out, allocate(transport, kubelet, words[1], List.of(words[2].split(","))));
        } else if (!line.isBlank()) {
          print(out, List.of("unknown-command " + line));
        }
      }
    }
  }

  private static List<String> describe(FakeKubelet.Update update) {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            "update %d %s %d devices (%d healthy)",
            update.epochMillis(), update.resource(), update.devices().size(), update.healthy()));
    for (Device d : update.devices()) {
      lines.add(
          String.format(
              "device %s %s numa=%s",
              d.getID(),
              d.getHealth(),
              d.hasTopology() && d.getTopology().getNodesCount() > 0
                  ? d.getTopology().getNodes(0).getID()
                  : "none"));
    }
    return lines;
  }

  /** Allocate over a channel of its own: the fake kubelet replaces its own on every Register. */
  private static List<String> allocate(
      UnixSocketTransport transport, FakeKubelet kubelet, String endpoint, List<String> ids) {
    AllocateRequest request =
        AllocateRequest.newBuilder()
            .addContainerRequests(ContainerAllocateRequest.newBuilder().addAllDevicesIds(ids))
            .build();
    List<String> lines = new ArrayList<>();
    ManagedChannel channel = transport.dial(kubelet.socket().resolveSibling(endpoint));
    try {
      AllocateResponse response =
          DevicePluginGrpc.newBlockingStub(channel)
              .withDeadlineAfter(60, TimeUnit.SECONDS)
              .allocate(request);
      for (ContainerAllocateResponse container : response.getContainerResponsesList()) {
        for (DeviceSpec spec : container.getDevicesList()) {
          lines.add(
              "devicespec "
                  + spec.getHostPath()
                  + " "
                  + spec.getContainerPath()
                  + " "
                  + spec.getPermissions());
        }
        new TreeMap<>(container.getEnvsMap()).forEach((k, v) -> lines.add("env " + k + "=" + v));
      }
      lines.add("allocated " + endpoint);
    } catch (StatusRuntimeException e) {
      lines.add("allocate-failed " + endpoint + " " + e.getStatus());
    } finally {
      channel.shutdownNow();
    }
    return lines;
  }

  private static void print(PrintStream out, List<String> lines) {
    synchronized (out) {
      lines.forEach(out::println);
      out.flush();
    }
  }
}
