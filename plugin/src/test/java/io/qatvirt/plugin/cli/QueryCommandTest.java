package io.qatvirt.plugin.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import io.qatvirt.plugin.allocation.AllocationPolicy;
import io.qatvirt.plugin.allocation.FakeNodeVfs;
import io.qatvirt.plugin.allocation.PreferredAllocator;
import io.qatvirt.plugin.device.Health;
import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.Vf;
import io.qatvirt.plugin.device.VfioGroup;
import io.qatvirt.plugin.kubelet.DevicePluginService;
import io.qatvirt.plugin.kubelet.KubeletEvents;
import io.qatvirt.plugin.testing.NettyUnixTransport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The query command against a real service on a real Unix socket. */
class QueryCommandTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private NettyUnixTransport transport;
  private Server server;
  private DevicePluginService service;
  private Path socket;

  private static Vf vf(String address, int group, int numa, Health health) {
    return new Vf(
        PciAddress.parse(address).orElseThrow(),
        Optional.empty(),
        -1,
        "cy",
        new VfioGroup(group, false),
        numa,
        Optional.of("vfio-pci"),
        health,
        health == Health.HEALTHY ? "" : "heartbeat failed");
  }

  @BeforeEach
  void serve() throws Exception {
    transport = new NettyUnixTransport();
    List<Vf> vfs =
        List.of(
            vf("0000:6b:00.1", 41, 1, Health.HEALTHY),
            vf("0000:6b:00.2", 42, -1, Health.UNHEALTHY));
    service =
        new DevicePluginService(
            "qat.intel.com/cy",
            vfs,
            new PreferredAllocator(AllocationPolicy.BALANCED),
            KubeletEvents.NONE,
            FakeNodeVfs.showing(vfs));
    socket = dir.resolve("qat.intel.com-cy.sock");
    server = transport.serve(socket, service);
  }

  @AfterEach
  void stop() {
    server.shutdownNow();
    transport.close();
  }

  private int query(String... args) {
    CommandLine cmd = Cli.commandLine();
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 1];
    all[0] = "query";
    System.arraycopy(args, 0, all, 1, args.length);
    return cmd.execute(all);
  }

  @Test
  void printsOptionsDevicesAndAnAllocation() {
    int code =
        query("--kubelet-dir=" + dir, "--resource=qat.intel.com/cy", "--allocate=0000:6b:00.1");

    assertEquals(0, code, err.toString());
    assertEquals(
        String.join(
            "\n",
            "options pre_start_required=false get_preferred_allocation_available=true",
            "device 0000:6b:00.1 Healthy numa=1",
            "device 0000:6b:00.2 Unhealthy numa=none",
            "devicespec /dev/vfio/vfio /dev/vfio/vfio rw",
            "devicespec /dev/vfio/41 /dev/vfio/41 rw",
            "env PCI_RESOURCE_QAT_INTEL_COM_CY=0000:6b:00.1",
            "env QAT_CY_0=0000:6b:00.1",
            ""),
        out.toString().replace(System.lineSeparator(), "\n"));
  }

  @Test
  void printsEachUpdateWhileWatching() throws Exception {
    Thread publisher =
        new Thread(
            () -> {
              await().atMost(Duration.ofSeconds(3)).until(() -> service.openStreams() > 0);
              service.publish(List.of(vf("0000:6b:00.1", 41, 1, Health.UNHEALTHY)));
            });
    publisher.start();
    long before = System.currentTimeMillis();

    int code = query("--socket=" + socket, "--watch=3s");

    publisher.join();
    assertEquals(0, code, err.toString());
    String[] lines = out.toString().split(System.lineSeparator());
    assertEquals(5, lines.length, out.toString());
    assertEquals("device 0000:6b:00.2 Unhealthy numa=none", lines[2]);
    String[] update = lines[3].split(" ");
    assertEquals("update", update[0]);
    long at = Long.parseLong(update[1]);
    assertTrue(at >= before && at <= System.currentTimeMillis(), lines[3]);
    assertEquals(
        "1 devices (0 healthy)", lines[3].substring(("update " + update[1] + " ").length()));
    assertEquals("device 0000:6b:00.1 Unhealthy numa=1", lines[4]);
  }

  @Test
  void failsWithExitCodeOneWhenAllocateIsRefused() {
    int code = query("--socket=" + socket, "--allocate=../../etc");

    assertEquals(1, code);
    assertEquals(
        "qat-device-plugin query: tried to call the plugin at "
            + socket
            + ", but INVALID_ARGUMENT: tried to allocate device \"../../etc\", but it is not a PCI"
            + " address (expected dddd:bb:dd.f, e.g. 0000:3d:01.1)"
            + System.lineSeparator(),
        err.toString());
  }

  @Test
  void failsWithExitCodeOneWhenNobodyServesTheSocket() throws Exception {
    Path stale = dir.resolve("qat.intel.com-dc.sock");
    Files.writeString(stale, "");

    int code = query("--socket=" + stale, "--timeout=2s");

    assertEquals(1, code);
    assertTrue(
        err.toString()
            .startsWith(
                "qat-device-plugin query: tried to call the plugin at "
                    + stale
                    + ", but UNAVAILABLE"),
        err.toString());
  }
}
