package io.qatvirt.plugin.sysfs;

import java.time.Duration;
import java.util.Objects;

/** What one attempt of {@link VfioBinder#bind} came to. */
public sealed interface BindResult {

  /** The VF is on vfio-pci and its /dev/vfio node exists; {@code took} is the whole attempt. */
  record Bound(Duration took) implements BindResult {
    public Bound {
      Objects.requireNonNull(took, "took");
    }
  }

  /** The attempt failed; {@code reason} reads "tried to bind ... to vfio-pci, but ...". */
  record Failed(String reason) implements BindResult {
    public Failed {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
