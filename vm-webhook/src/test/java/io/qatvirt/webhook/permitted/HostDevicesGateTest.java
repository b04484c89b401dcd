package io.qatvirt.webhook.permitted;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.qatvirt.webhook.permitted.HostDevicesGate.Verdict;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostDevicesGateTest {
  /** A made-up history, to exercise each state: Beta (on by default) in v1.10, GA in v1.12. */
  private static final HostDevicesGate GRADUATED =
      new HostDevicesGate(
          Optional.of(new KubeVirtVersion(1, 10)), Optional.of(new KubeVirtVersion(1, 12)));

  private static List<String> gates(String listed) {
    return listed.isEmpty() ? List.of() : List.of(listed.split(" "));
  }

  @ParameterizedTest(name = "featureGates [{0}], disabled [{1}], observed {2}: {3}")
  @CsvSource(
      delimiter = '|',
      nullValues = "absent",
      value = {
        // Alpha (before v1.10, or no version): on only when listed and not disabled.
        "HostDevices     |             | v1.9.3  | ON",
        "                |             | v1.9.3  | NOT_ENABLED",
        "Snapshot        |             | v1.9.3  | NOT_ENABLED",
        "                | HostDevices | v1.9.3  | DISABLED",
        "HostDevices     | HostDevices | v1.9.3  | DISABLED",
        "HostDevices     |             | absent  | ON",
        "                |             | absent  | NOT_ENABLED",
        "                |             | devel   | NOT_ENABLED",
        // Beta (v1.10, v1.11): on unless disabled.
        "                |             | v1.10.0 | ON",
        "HostDevices     |             | v1.10.0 | ON",
        "                | HostDevices | v1.11.2 | DISABLED",
        "HostDevices     | HostDevices | v1.10.0 | DISABLED",
        "                | Snapshot    | v1.10.0 | ON",
        // GA (v1.12 on): always on.
        "                | HostDevices | v1.12.0 | ON",
        "                |             | v2.0.0  | ON",
      })
  void decidesAsKubeVirtWouldFromBothListsAndTheRelease(
      String featureGates, String disabled, String observed, Verdict expected) {
    assertEquals(
        expected,
        GRADUATED.decide(
            gates(featureGates == null ? "" : featureGates.trim()),
            gates(disabled == null ? "" : disabled.trim()),
            KubeVirtVersion.parse(observed)));
  }

  @ParameterizedTest(name = "observed {0}")
  @CsvSource({"v1.9.3", "v1.10.0", "v2.0.0", "''"})
  void knowsNoReleaseWithTheGateOnByDefault(String observed) {
    Optional<KubeVirtVersion> at = KubeVirtVersion.parse(observed);
    assertEquals(Verdict.NOT_ENABLED, HostDevicesGate.KNOWN.decide(List.of(), List.of(), at));
    assertEquals(Verdict.ON, HostDevicesGate.KNOWN.decide(List.of("HostDevices"), List.of(), at));
    assertEquals(
        Verdict.DISABLED,
        HostDevicesGate.KNOWN.decide(List.of("HostDevices"), List.of("HostDevices"), at));
  }

  @Test
  void readsTheMajorAndMinorOfAnObservedVersion() {
    assertEquals(Optional.of(new KubeVirtVersion(1, 9)), KubeVirtVersion.parse("v1.9.2"));
    assertEquals(Optional.of(new KubeVirtVersion(1, 10)), KubeVirtVersion.parse("v1.10.0-rc.1"));
    assertEquals(Optional.of(new KubeVirtVersion(1, 8)), KubeVirtVersion.parse("1.8.1"));
    assertEquals(Optional.empty(), KubeVirtVersion.parse("devel"));
    assertEquals(Optional.empty(), KubeVirtVersion.parse(""));
    assertEquals(Optional.empty(), KubeVirtVersion.parse(null));
  }
}
