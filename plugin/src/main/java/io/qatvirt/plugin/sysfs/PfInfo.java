package io.qatvirt.plugin.sysfs;

import io.qatvirt.plugin.device.KindDecision;
import io.qatvirt.plugin.device.PciAddress;
import java.util.List;

/**
 * What one scan read about a PF, shared by all its VFs.
 *
 * @param kind the resource kind of its VFs (generic for non-service-aware families)
 * @param problems why its VFs are unhealthy (heartbeat failed, state down); empty when fine
 */
record PfInfo(PciAddress address, KindDecision kind, List<String> problems) {}
