package io.qatvirt.plugin.sysfs;

import io.qatvirt.plugin.device.DeviceSnapshot;
import io.qatvirt.plugin.device.Health;
import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.Vf;
import io.qatvirt.plugin.device.VfioGroup;
import io.qatvirt.plugin.sim.SimulatedKernel;
import io.qatvirt.plugin.sim.SimulatedNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A simulated node with its kernel, and scanners over it with recorded logs, events and time. */
final class Fixture {

  final SimulatedNode node;
  final SimulatedKernel kernel;
  final RecordingEvents events = new RecordingEvents();
  final RecordingLogger log = new RecordingLogger();
  long now;

  Fixture(Path root) throws IOException {
    this.node = SimulatedNode.create(root);
    this.kernel = node.kernel();
  }

  SysfsScanner scanner() {
    return scanner(node.scanConfig());
  }

  SysfsScanner scanner(ScanConfig config) {
    VfioBinder binder =
        new VfioBinder(
            node.sysfsRoot(), node.devRoot(), kernel, Duration.ofMillis(100), Duration.ofMillis(5));
    return new SysfsScanner(config, binder, events, () -> now, log);
  }

  /** Every advertised VF in the snapshot's order, resource after resource. */
  static List<Vf> all(DeviceSnapshot snapshot) {
    List<Vf> vfs = new ArrayList<>();
    snapshot.byResource().values().forEach(vfs::addAll);
    return vfs;
  }

  static PciAddress pci(String text) {
    return PciAddress.parse(text).orElseThrow();
  }

  /** A healthy VF on vfio-pci with a PF. */
  static Vf vf(String address, String pf, int index, String kind, int group, int numa) {
    return new Vf(
        pci(address),
        Optional.of(pci(pf)),
        index,
        kind,
        new VfioGroup(group, false),
        numa,
        Optional.of("vfio-pci"),
        Health.HEALTHY,
        "");
  }

  /** A healthy VF on vfio-pci as a VM guest sees it: no PF. */
  static Vf guestVf(String address, String kind, int group, int numa) {
    return new Vf(
        pci(address),
        Optional.empty(),
        -1,
        kind,
        new VfioGroup(group, false),
        numa,
        Optional.of("vfio-pci"),
        Health.HEALTHY,
        "");
  }
}
