package io.qatvirt.webhook.mutation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EvictionCheckTest {
  private static final String VM_FIELD = "spec.template.spec.evictionStrategy";

  private static Optional<String> of(String value) {
    return Optional.ofNullable(value);
  }

  @ParameterizedTest(name = "own {0}, cluster default {1}: {2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "-                     | LiveMigrate           | the cluster default in the KubeVirt CR",
        "LiveMigrate           | -                     | its own",
        "LiveMigrate           | None                  | its own",
        "LiveMigrate           | LiveMigrate           | its own",
        "-                     | -                     | -",
        "-                     | None                  | -",
        "-                     | LiveMigrateIfPossible | -",
        "-                     | External              | -",
        "None                  | LiveMigrate           | -",
        "LiveMigrateIfPossible | LiveMigrate           | -",
        "External              | LiveMigrate           | -",
      })
  void warnsExactlyWhenTheEffectiveStrategyIsLiveMigrate(
      String own, String clusterDefault, String whose) {
    Optional<String> expected =
        of(whose)
            .map(
                w ->
                    "VirtualMachine vnf/gw has QAT host devices and cannot live-migrate, so"
                        + " evictionStrategy LiveMigrate ("
                        + w
                        + ") blocks node drains and upgrades while it runs: set"
                        + " spec.template.spec.evictionStrategy: LiveMigrateIfPossible (or None)"
                        + " to let a drain shut it down");

    assertEquals(
        expected,
        new EvictionCheck("VirtualMachine vnf/gw", VM_FIELD, of(own)).warning(of(clusterDefault)));
  }
}
