package io.qatvirt.plugin.realkernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the packaged plugin against a real Linux kernel in a QEMU guest (e2e/real-kernel/run.sh):
 * real SR-IOV VFs, IOMMU groups, vfio-pci binding and /dev/vfio nodes. Fails, with the script's
 * message, where QEMU cannot run; set {@code QATVIRT_SKIP_REAL_KERNEL=1} to skip it instead.
 */
class RealKernelIT {

  private static final String OPT_OUT = "QATVIRT_SKIP_REAL_KERNEL";
  private static final long LIMIT_MINUTES = 8;

  @Test
  void everyScenarioPassesOnARealKernel() throws IOException, InterruptedException {
    assumeFalse(
        "1".equals(System.getenv(OPT_OUT)),
        OPT_OUT + "=1: the real-kernel run (QEMU guest, e2e/real-kernel/run.sh) is skipped");
    Path module = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    Path script = module.resolveSibling("e2e").resolve("real-kernel/run.sh");
    assertTrue(Files.isRegularFile(script), "tried to run " + script + ", but it does not exist");
    Path out = module.resolve("target/real-kernel-run.out");
    Files.createDirectories(out.getParent());

    Process run =
        new ProcessBuilder("bash", script.toString())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    if (!run.waitFor(LIMIT_MINUTES, TimeUnit.MINUTES)) {
      run.descendants().forEach(ProcessHandle::destroyForcibly);
      run.destroyForcibly().waitFor();
    }
    String output = Files.readString(out, StandardCharsets.UTF_8);
    int exit = run.isAlive() ? -1 : run.exitValue();
    ScenarioReport report = ScenarioReport.parse(output, exit);
    report.timings().forEach(t -> System.out.println("real-kernel TIMING " + t));

    List<String> problems = report.problems();
    assertEquals(
        List.of(),
        problems,
        () ->
            "tried to run every real-kernel scenario, but some did not pass (whole output in "
                + out
                + ", exit code "
                + exit
                + "):\n"
                + tail(output, 60));
  }

  private static String tail(String text, int lines) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
