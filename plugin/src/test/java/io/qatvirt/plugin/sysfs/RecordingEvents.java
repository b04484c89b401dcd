package io.qatvirt.plugin.sysfs;

import io.qatvirt.plugin.device.PciAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Keeps the bind events: "bound <address>" and "failed <address>: <reason>". */
final class RecordingEvents implements BindEvents {

  final List<String> events = new ArrayList<>();

  @Override
  public void bound(PciAddress vf, Duration took) {
    events.add("bound " + vf);
  }

  @Override
  public void bindFailed(PciAddress vf, String reason) {
    events.add("failed " + vf + ": " + reason);
  }
}
