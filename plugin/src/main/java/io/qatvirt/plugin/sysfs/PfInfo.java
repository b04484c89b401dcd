package io.qatvirt.plugin.sysfs;

import io.qatvirt.plugin.device.KindDecision;
import io.qatvirt.plugin.device.PciAddress;
import java.util.List;
import java.util.Map;

/**
 * What one scan read about a PF, shared by all its VFs.
 *
 * @param vfIndex the {@code virtfn<i>} index of each VF the PF lists
 * @param kind the resource kind of its VFs (generic for non-service-aware families)
 * @param problems why its VFs are unhealthy (heartbeat failed, state down); empty when fine
 */
record PfInfo(
    PciAddress address,
    Map<PciAddress, Integer> vfIndex,
    KindDecision kind,
    List<String> problems) {}
