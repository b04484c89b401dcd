package io.qatvirt.plugin.sysfs;

import io.qatvirt.plugin.device.PciAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps the bind events ("bound <address>", "failed <address>: <reason>") and each scan's heartbeat
 * report, sorted by PF.
 */
final class RecordingEvents implements BindEvents {

  final List<String> events = new ArrayList<>();
  final List<Map<PciAddress, Boolean>> heartbeats = new ArrayList<>();

  @Override
  public void bound(PciAddress vf, Duration took) {
    events.add("bound " + vf);
  }

  @Override
  public void bindFailed(PciAddress vf, String reason) {
    events.add("failed " + vf + ": " + reason);
  }

  @Override
  public void heartbeats(Map<PciAddress, Boolean> unreadable) {
    heartbeats.add(new TreeMap<>(unreadable));
  }
}
