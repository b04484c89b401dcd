package io.qatvirt.plugin.sysfs;

import io.qatvirt.plugin.device.KindDecision;
import io.qatvirt.plugin.device.PciAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What one scan read about a PF, shared by all its VFs.
 *
 * @param kind the resource kind of its VFs (generic for non-service-aware families)
 * @param problems why its VFs are unhealthy (heartbeat failed, state down); empty when fine
 * @param heartbeat its QAT heartbeat as read; empty for a PF without one (extra-ID devices)
 */
record PfInfo(
    PciAddress address, KindDecision kind, List<String> problems, Optional<Heartbeat> heartbeat) {

  /**
   * A heartbeat file and, when it could not be read (missing, denied, garbage), why.
   *
   * @param status {@code <debugfs>/qat_<driver>_<PF>/heartbeat/status}
   * @param unreadable why it could not be read; empty when it reads 0 or -1
   */
  record Heartbeat(Path status, Optional<String> unreadable) {}
}
