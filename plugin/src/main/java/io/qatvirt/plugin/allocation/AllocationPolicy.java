package io.qatvirt.plugin.allocation;

import java.util.Arrays;
import java.util.Optional;

/** How GetPreferredAllocation picks devices, chosen with {@code --allocation-policy}. */
public enum AllocationPolicy {
  /**
   * Spread over as many PFs as possible, within one NUMA node where one can hold the request: a
   * VM's load is shared between accelerators, and a failed PF takes the fewest of its VFs.
   */
  BALANCED("balanced"),
  /** Fill one PF before the next, within one NUMA node where possible: keeps whole PFs free. */
  PACKED("packed"),
  /** Kubelet's own order: must-include devices, then the available ones as listed. */
  NONE("none");

  private final String cliName;

  AllocationPolicy(String cliName) {
    this.cliName = cliName;
  }

  /** The value of {@code --allocation-policy}. */
  public String cliName() {
    return cliName;
  }

  /** The policy with this flag value; empty for anything else. */
  public static Optional<AllocationPolicy> ofCliName(String name) {
    return Arrays.stream(values()).filter(p -> p.cliName.equals(name)).findFirst();
  }
}
