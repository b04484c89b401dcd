package io.qatvirt.plugin.sysfs;

import static io.qatvirt.plugin.sysfs.Fixture.pci;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.device.VfioGroup;
import io.qatvirt.plugin.sim.SimulatedNode;
import io.qatvirt.plugin.sim.VfStart;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VfioBinderTest {

  @TempDir Path root;
  SimulatedNode node;
  final VfioGroup group = new VfioGroup(2, false);

  @BeforeEach
  void node() throws Exception {
    node = SimulatedNode.create(root);
    node.pf(QatFamily.GEN4_4XXX, "0000:3d:00.0")
        .vfs(1)
        .firstGroup(1)
        .start(VfStart.UNBOUND)
        .create();
  }

  private VfioBinder binder(SysfsWriter writer) {
    return new VfioBinder(
        node.sysfsRoot(), node.devRoot(), writer, Duration.ofMillis(100), Duration.ofMillis(5));
  }

  /** A writer failing the write to one attribute with one exception, others go to the kernel. */
  private SysfsWriter failing(String attribute, IOException error) {
    SysfsWriter kernel = node.kernel();
    return (file, value) -> {
      if (file.getFileName().toString().equals(attribute)) {
        throw error;
      }
      kernel.write(file, value);
    };
  }

  private String reasonOf(BindResult result) {
    return assertInstanceOf(BindResult.Failed.class, result).reason();
  }

  @Test
  void bindsAnUnboundVfAndWaitsForItsNode() throws Exception {
    BindResult result = binder(node.kernel()).bind(pci("0000:3d:00.1"), group);

    assertInstanceOf(BindResult.Bound.class, result);
    assertEquals("vfio-pci", node.driver(pci("0000:3d:00.1")).orElseThrow());
    assertEquals(true, Files.exists(node.devRoot().resolve("vfio/2")));
  }

  /**
   * Udev creates the node only once the binder is seen waiting for it (its thread asleep between
   * looks, after the bind was written), so the test depends on no race with the clock: a binder
   * that stopped waiting has answered by then and fails it.
   */
  @Test
  void waitsForANodeThatUdevCreatesLate() throws Exception {
    SysfsWriter kernel = node.kernel();
    Path nodeFile = node.vfioNode(pci("0000:3d:00.1"));
    CountDownLatch bindWritten = new CountDownLatch(1);
    SysfsWriter lateUdev =
        (file, value) -> {
          kernel.write(file, value);
          if (file.getFileName().toString().equals("drivers_probe")) {
            Files.delete(nodeFile); // udev hasn't made it yet
            bindWritten.countDown();
          }
        };
    VfioBinder binder =
        new VfioBinder(
            node.sysfsRoot(),
            node.devRoot(),
            lateUdev,
            Duration.ofMinutes(1),
            Duration.ofMillis(5));
    CompletableFuture<BindResult> result = new CompletableFuture<>();
    Thread binding =
        new Thread(() -> result.complete(binder.bind(pci("0000:3d:00.1"), group)), "binding");
    binding.start();

    assertTrue(bindWritten.await(1, TimeUnit.MINUTES), "the binder wrote drivers_probe");
    await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> result.isDone() || binding.getState() == Thread.State.TIMED_WAITING);
    assertFalse(result.isDone(), () -> "the binder did not wait for the node: " + result.join());
    Files.createFile(nodeFile);

    assertInstanceOf(BindResult.Bound.class, result.get(1, TimeUnit.MINUTES));
  }

  @Test
  void failsWhenTheNodeNeverAppears() throws Exception {
    SysfsWriter kernel = node.kernel();
    SysfsWriter noUdev =
        (file, value) -> {
          kernel.write(file, value);
          if (file.getFileName().toString().equals("drivers_probe")) {
            Files.delete(node.vfioNode(pci("0000:3d:00.1")));
          }
        };

    assertEquals(
        "tried to bind 0000:3d:00.1 to vfio-pci, but /dev/vfio/2 did not appear within 100 ms: is"
            + " udev/devtmpfs working and /dev mounted into the plugin?",
        reasonOf(binder(noUdev).bind(pci("0000:3d:00.1"), group)));
  }

  @Test
  void explainsEnodevFromAKernelThatReportsIt() {
    assertEquals(
        "tried to bind 0000:3d:00.1 to vfio-pci, but no driver accepted it (ENODEV): is vfio-pci"
            + " loaded? pre-Gen4 QAT VFs need vfio-pci disable_denylist=1",
        reasonOf(
            binder(failing("drivers_probe", new IOException("No such device")))
                .bind(pci("0000:3d:00.1"), group)));
  }

  @Test
  void explainsEbusy() {
    assertEquals(
        "tried to bind 0000:3d:00.1 to vfio-pci, but the kernel says it is already bound (EBUSY):"
            + " is another agent binding it at the same time?",
        reasonOf(
            binder(failing("drivers_probe", new IOException("Device or resource busy")))
                .bind(pci("0000:3d:00.1"), group)));
  }

  @Test
  void explainsEinval() {
    assertEquals(
        "tried to bind 0000:3d:00.1 to vfio-pci, but the kernel rejected its address (EINVAL)",
        reasonOf(
            binder(failing("drivers_probe", new IOException("Invalid argument")))
                .bind(pci("0000:3d:00.1"), group)));
  }

  @Test
  void explainsAReadOnlySysfs() {
    Path override = node.sysfsRoot().resolve("bus/pci/devices/0000:3d:00.1/driver_override");
    assertEquals(
        "tried to bind 0000:3d:00.1 to vfio-pci, but writing driver_override failed: "
            + override
            + " is not writable (EACCES): the plugin needs a privileged container with /sys"
            + " mounted read-write",
        reasonOf(
            binder(failing("driver_override", new AccessDeniedException(override.toString())))
                .bind(pci("0000:3d:00.1"), group)));
  }

  @Test
  void explainsAFailedUnbind() throws Exception {
    node.bind(pci("0000:3d:00.1"), "pcieport");

    assertEquals(
        "tried to bind 0000:3d:00.1 to vfio-pci, but unbinding it from pcieport failed: EBUSY"
            + " (Device or resource busy)",
        reasonOf(
            binder(failing("unbind", new IOException("Device or resource busy")))
                .bind(pci("0000:3d:00.1"), group)));
  }

  @Test
  void explainsAProbeThatBoundAnotherDriver() throws Exception {
    SysfsWriter kernel = node.kernel();
    SysfsWriter wrongDriver =
        (file, value) -> {
          if (file.getFileName().toString().equals("drivers_probe")) {
            node.bind(pci(value), "pcieport");
          } else {
            kernel.write(file, value);
          }
        };

    assertEquals(
        "tried to bind 0000:3d:00.1 to vfio-pci, but the kernel bound it to pcieport despite"
            + " driver_override",
        reasonOf(binder(wrongDriver).bind(pci("0000:3d:00.1"), group)));
  }

  @Test
  void explainsAProbeThatBoundNothingWithoutAnError() {
    SysfsWriter kernel = node.kernel();
    SysfsWriter silentKernel =
        (file, value) -> {
          if (!file.getFileName().toString().equals("drivers_probe")) {
            kernel.write(file, value);
          }
        };

    assertEquals(
        "tried to bind 0000:3d:00.1 to vfio-pci, but no driver accepted it: is vfio-pci loaded?"
            + " pre-Gen4 QAT VFs need vfio-pci disable_denylist=1",
        reasonOf(binder(silentKernel).bind(pci("0000:3d:00.1"), group)));
  }

  @Test
  void leavesAVfAlreadyOnVfioPciUntouched() throws Exception {
    node.kernel()
        .write(
            node.sysfsRoot().resolve("bus/pci/devices/0000:3d:00.1/driver_override"), "vfio-pci\n");
    node.bind(pci("0000:3d:00.1"), "vfio-pci");
    List<String> writes = new ArrayList<>();

    BindResult result =
        binder((file, value) -> writes.add(file + " " + value)).bind(pci("0000:3d:00.1"), group);

    assertInstanceOf(BindResult.Bound.class, result);
    assertEquals(List.of(), writes);
  }

  @Test
  void productionWriterWritesTheExactBytesWithoutCreatingFiles() throws Exception {
    Path file = root.resolve("attr");
    Files.writeString(file, "");

    new FileSysfsWriter().write(file, "0000:3d:00.1");

    assertEquals("0000:3d:00.1", Files.readString(file));
    assertThrows(
        NoSuchFileException.class, () -> new FileSysfsWriter().write(root.resolve("missing"), "x"));
    assertEquals(false, Files.exists(root.resolve("missing")));
  }
}
