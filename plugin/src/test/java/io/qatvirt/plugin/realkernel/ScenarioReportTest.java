package io.qatvirt.plugin.realkernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScenarioReportTest {

  private static final String ALL_PASS =
      """
      real-kernel: booting the guest
      TIMING boot-to-init-s 2.59
      PASS unbound-vfs-bound-and-advertised
      PASS nvme-bound-vfs-rebound
      PASS hot-removal-and-return
      PASS vfio-bound-vf-left-untouched
      PASS sigterm-cleanup
      VALUE guest-setup-gen4-cy-dc-vm nr_hugepages 512
      VALUE guest-setup-gen4-cy-dc-vm bind-errors\s
      PASS guest-setup-gen4-cy-dc-vm
      PASS guest-setup-gen4-ipsec-vpp-vm
      TIMING boot-to-init-s 2.59
      VALUE guest-setup-gen4-cy-dc-vm nr_hugepages 0
      TIMING host-total-ms 61234 (qemu 55000)
      """;

  @Test
  void aRunWhereEveryScenarioPassedHasNoProblemsAndEachTimingOnce() {
    ScenarioReport report = ScenarioReport.parse(ALL_PASS, 0);

    assertEquals(List.of(), report.problems());
    assertEquals(
        List.of("boot-to-init-s 2.59", "host-total-ms 61234 (qemu 55000)"), report.timings());
  }

  @Test
  void valueLinesAreReadByScenarioAndKeyTheFirstOfARepeatKept() {
    ScenarioReport report = ScenarioReport.parse(ALL_PASS, 0);

    assertEquals(
        Map.of("nr_hugepages", "512", "bind-errors", ""),
        report.valuesOf("guest-setup-gen4-cy-dc-vm"));
    assertEquals(Map.of(), report.valuesOf("guest-setup-gen4-ipsec-vpp-vm"));
  }

  @Test
  void aFailLineIsReportedWithItsReasonEvenAfterAPassLine() {
    String output = ALL_PASS + "FAIL hot-removal-and-return: kubelet never saw 0000:01:00.1 go\r\n";

    ScenarioReport report = ScenarioReport.parse(output, 1);

    assertEquals(
        Optional.of("kubelet never saw 0000:01:00.1 go"),
        report.outcomes().get("hot-removal-and-return"));
    assertEquals(
        List.of("FAIL hot-removal-and-return: kubelet never saw 0000:01:00.1 go"),
        report.problems());
  }

  @Test
  void aScenarioWithoutAnyResultLineIsAProblem() {
    String output =
        """
        real-kernel: ERROR: tried to download the kernel package, but it failed
        PASS unbound-vfs-bound-and-advertised
        """;

    assertEquals(
        List.of(
            "no result for scenario nvme-bound-vfs-rebound",
            "no result for scenario hot-removal-and-return",
            "no result for scenario vfio-bound-vf-left-untouched",
            "no result for scenario sigterm-cleanup",
            "no result for scenario guest-setup-gen4-cy-dc-vm",
            "no result for scenario guest-setup-gen4-ipsec-vpp-vm"),
        ScenarioReport.parse(output, 2).problems());
  }

  @Test
  void aNonZeroExitCodeFailsTheRunEvenIfEveryScenarioPassed() {
    assertEquals(
        List.of("run.sh exited with 1 although every scenario passed"),
        ScenarioReport.parse(ALL_PASS, 1).problems());
  }
}
