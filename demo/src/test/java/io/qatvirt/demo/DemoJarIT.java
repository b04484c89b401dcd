package io.qatvirt.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's demo command, {@code java -jar demo/target/qatvirt-demo.jar}, as a child
 * process (the shaded jar as built) and checks the story it tells, line by line.
 */
class DemoJarIT {
  static List<String> lines;
  static Path kept;
  static int exitCode;

  @BeforeAll
  static void runTheDemo() throws Exception {
    Path jar = Path.of("target", "qatvirt-demo.jar");
    assertTrue(Files.isRegularFile(jar), "the demo jar is built before integration tests: " + jar);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(java, "-Xmx256m", "-jar", jar.toString(), "--keep")
            .redirectErrorStream(true)
            .start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the demo ends within 2 minutes");
    exitCode = process.exitValue();
    lines = output.lines().toList();
    String keptLine =
        lines.stream()
            .filter(l -> l.startsWith("(kept "))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no '(kept ...)' line in:\n" + output));
    kept = Path.of(keptLine.substring(6, keptLine.length() - 1));
  }

  @Test
  void exitsZeroAndPrintsNoWarnings() {
    assertEquals(0, exitCode, String.join("\n", lines));
    assertTrue(
        lines.stream()
            .noneMatch(l -> l.contains("WARN") || l.contains("ERROR") || l.contains("Exception")),
        String.join("\n", lines));
  }

  @Test
  void showsTheNodeBeforeAndAfterThePluginBindsItsVfs() {
    assertLines(
        "  PF 0000:6b:00.0  QAT 4xxx (8086:4940)  qat/cfg_services=sym;asym  16 VFs  NUMA node 0",
        "  PF 0000:70:00.0  QAT 4xxx (8086:4940)  qat/cfg_services=dc        16 VFs  NUMA node 1",
        "  VFs on vfio-pci: 8 of 32 (the others have no driver, as Gen4 VFs come up)",
        "  kubelet: plugin registered qat.intel.com/cy at qat.intel.com-cy.sock",
        "  kubelet: plugin registered qat.intel.com/dc at qat.intel.com-dc.sock",
        "  VFs on vfio-pci now: 32 of 32 (the plugin bound the other 24: 48 sysfs writes,"
            + " driver_override then drivers_probe)");
  }

  @Test
  void showsWhatIsAdvertisedPerServiceWithItsNumaNode() {
    assertLines(
        "  qat.intel.com/cy: capacity 16, allocatable 16, NUMA node 0",
        "    0000:6b:00.1 0000:6b:00.2 0000:6b:00.3 ... 0000:6b:02.0",
        "  qat.intel.com/dc: capacity 16, allocatable 16, NUMA node 1",
        "    0000:70:00.1 0000:70:00.2 0000:70:00.3 ... 0000:70:02.0");
  }

  @Test
  void showsTheWebhooksPatchForTheGen4Sample() {
    assertLines(
        "  annotations: {\"qat.intel.com/cy\":\"1\",\"qat.intel.com/dc\":\"1\"}",
        "  JSON Patch:  [{\"op\":\"add\",\"path\":\"/spec/template/spec/domain/devices/hostDevices\","
            + "\"value\":[{\"name\":\"qat-cy-0\",\"deviceName\":\"qat.intel.com/cy\"},"
            + "{\"name\":\"qat-dc-0\",\"deviceName\":\"qat.intel.com/dc\"}]}]",
        "    - name: qat-cy-0, deviceName: qat.intel.com/cy",
        "    - name: qat-dc-0, deviceName: qat.intel.com/dc",
        "  (samples/vmi/ipsec-gateway-vmi.yaml, a VMI, gets [{\"op\":\"add\","
            + "\"path\":\"/spec/domain/devices/hostDevices\",\"value\":[{\"name\":"
            + "\"qat-generic-0\",\"deviceName\":\"qat.intel.com/generic\"}]}];");
  }

  @Test
  void allocatesTheVfioNodesAndTheVariablesVirtLauncherReads() throws IOException {
    String cyGroup = iommuGroup("0000:6b:00.1");
    String dcGroup = iommuGroup("0000:70:00.1");
    assertLines(
        "  Allocate(qat.intel.com/cy, [0000:6b:00.1])",
        "  Allocate(qat.intel.com/dc, [0000:70:00.1])",
        "    device /dev/vfio/vfio (rw)",
        "    device /dev/vfio/" + cyGroup + " (rw)",
        "    device /dev/vfio/" + dcGroup + " (rw)",
        "    env PCI_RESOURCE_QAT_INTEL_COM_CY=0000:6b:00.1",
        "    env QAT_CY_0=0000:6b:00.1",
        "    env PCI_RESOURCE_QAT_INTEL_COM_DC=0000:70:00.1",
        "    env QAT_DC_0=0000:70:00.1",
        "  hostdev qat-cy-0 (qat.intel.com/cy) <- PCI_RESOURCE_QAT_INTEL_COM_CY=0000:6b:00.1,"
            + " <hostdev managed='no'> on vfio-pci",
        "  hostdev qat-dc-0 (qat.intel.com/dc) <- PCI_RESOURCE_QAT_INTEL_COM_DC=0000:70:00.1,"
            + " <hostdev managed='no'> on vfio-pci");
    assertEquals("2", cyGroup, "the simulated kernel's group numbering");
  }

  @Test
  void cleansUpItsSocketsWhenDone() throws IOException {
    try (Stream<Path> left = Files.list(kept.resolve("device-plugins"))) {
      // the plugin's sockets are removed when it stops (and kubelet.sock with the stand-in)
      assertEquals(
          List.of(),
          left.map(p -> p.getFileName().toString())
              .filter(n -> !n.startsWith("."))
              .sorted()
              .toList());
    }
  }

  /** The IOMMU group the kept simulated sysfs gives a VF, read from its iommu_group link. */
  private static String iommuGroup(String vf) throws IOException {
    Path link = kept.resolve("node/sys/bus/pci/devices").resolve(vf).resolve("iommu_group");
    return Files.readSymbolicLink(link).getFileName().toString();
  }

  /** The lines appear in the output, each whole, in this order. */
  private static void assertLines(String... expected) {
    int from = 0;
    for (String line : expected) {
      int at = lines.subList(from, lines.size()).indexOf(line);
      assertTrue(
          at >= 0, "missing (in order) line:\n" + line + "\nin:\n" + String.join("\n", lines));
      from += at + 1;
    }
  }

  @org.junit.jupiter.api.AfterAll
  static void removeTheKeptFolder() throws IOException {
    if (kept != null && Files.isDirectory(kept)) {
      try (Stream<Path> paths = Files.walk(kept)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
