package io.qatvirt.plugin.sysfs;

import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.Printable;
import io.qatvirt.plugin.device.ResourceKinds;
import io.qatvirt.plugin.device.Vf;
import io.qatvirt.plugin.device.VfioGroup;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the candidate VFs in {@code <sysfs>/bus/pci/devices}. What the kernel never changes while a
 * device directory exists (IDs, PF, VF index, NUMA node) is read once per directory and kept while
 * the directory keeps its identity; the group, the driver and the PF's state are read on every
 * scan. Not thread-safe: used under the scanner's lock.
 */
final class VfDiscovery {

  /** A device directory seen before: its identity, fixed facts and link memos. */
  private static final class Known {
    final Object identity;
    final DeviceReading fixed;
    final LinkMemo<VfioGroup> group;
    final LinkMemo<String> driver;
    int vfIndex = -1;

    Known(Object identity, DeviceReading fixed) {
      this.identity = identity;
      this.fixed = fixed;
      Path dir =
          fixed instanceof DeviceReading.Found found
              ? found.facts().dir()
              : Path.of("/nonexistent");
      this.group = new LinkMemo<>(dir.resolve("iommu_group"));
      this.driver = new LinkMemo<>(dir.resolve("driver"));
    }
  }

  private final ScanConfig config;
  private final DeviceReader reader;
  private final PfReader pfReader;
  private Map<String, Known> known = new HashMap<>();
  private Map<PciAddress, PfInfo> lastPfs = Map.of();

  VfDiscovery(ScanConfig config) {
    this.config = config;
    this.reader = new DeviceReader(config);
    this.pfReader = new PfReader(config);
  }

  /** What the last {@link #discover} read of each PF of its candidates. */
  Map<PciAddress, PfInfo> lastPfs() {
    return lastPfs;
  }

  /** The candidates in no particular order; empty when sysfs itself can't be listed. */
  Optional<List<Candidate>> discover(OnceLog once) {
    lastPfs = Map.of();
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(reader.devicesDir())) {
      entries.forEach(entry -> names.add(entry.getFileName().toString()));
    } catch (IOException | RuntimeException e) {
      once.warn(
          "tried to list "
              + reader.devicesDir()
              + ", but "
              + SysfsFiles.explain(e)
              + ": advertising no VFs (is /sys mounted into the plugin?)");
      return Optional.empty();
    }
    Map<String, Known> next = new HashMap<>();
    Map<PciAddress, PfInfo> pfs = new HashMap<>();
    Map<PciAddress, Map<PciAddress, Integer>> indices = new HashMap<>();
    List<Candidate> candidates = new ArrayList<>();
    for (String name : names) {
      Optional<Object> identity = reader.identity(name);
      if (identity.isEmpty()) {
        continue; // gone, or not a device at all
      }
      Known device = known.get(name);
      if (device == null || !device.identity.equals(identity.get())) {
        Optional<PciAddress> address = PciAddress.parse(name);
        if (address.isEmpty()) {
          once.warn(
              "tried to read "
                  + reader.devicesDir()
                  + "/"
                  + Printable.of(name)
                  + ", but its name is not a PCI address: skipping it");
          continue;
        }
        device = new Known(identity.get(), reader.readFixed(address.get(), name));
      }
      if (!(device.fixed instanceof DeviceReading.Broken)) {
        next.put(name, device);
      }
      if (device.fixed instanceof DeviceReading.Found found) {
        DeviceReading current = reader.readCurrent(found.facts(), device.group, device.driver);
        if (current instanceof DeviceReading.Ready ready) {
          candidate(ready.facts(), device, pfs, indices, once).ifPresent(candidates::add);
        } else {
          report(current, once);
        }
      } else {
        report(device.fixed, once);
      }
    }
    known = next;
    lastPfs = Map.copyOf(pfs);
    return Optional.of(candidates);
  }

  private static void report(DeviceReading reading, OnceLog once) {
    if (reading instanceof DeviceReading.Broken broken) {
      once.warn(broken.reason() + ": leaving it out");
    } else if (reading instanceof DeviceReading.Skip skip && !skip.note().isEmpty()) {
      once.info(skip.note());
    }
  }

  private Optional<Candidate> candidate(
      VfFacts facts,
      Known device,
      Map<PciAddress, PfInfo> pfs,
      Map<PciAddress, Map<PciAddress, Integer>> indices,
      OnceLog once) {
    if (!config.bind() && !SysfsScanner.onVfioPci(facts)) {
      once.info(
          "found VF "
              + facts.address()
              + " on "
              + facts.driver().orElse("no driver")
              + ", not vfio-pci, and binding is off (--no-bind): leaving it out");
      return Optional.empty();
    }
    if (facts.pf().isEmpty()) {
      return Optional.of(new Candidate(facts, -1, ResourceKinds.GENERIC, List.of()));
    }
    PciAddress pf = facts.pf().get();
    Path vfDir = facts.fixed().dir();
    if (device.vfIndex < 0) {
      device.vfIndex =
          indices
              .computeIfAbsent(pf, p -> PfReader.vfIndices(vfDir.resolveSibling(p.toString())))
              .getOrDefault(facts.address(), -1);
    }
    PfInfo info =
        pfs.computeIfAbsent(
            pf, p -> pfReader.read(p, vfDir.resolveSibling(p.toString()), facts.fixed().family()));
    if (facts.fixed().family().isPresent()) {
      info.kind()
          .fallbackReason()
          .ifPresent(
              reason ->
                  once.warn(
                      "tried to name the resource of the VFs of PF "
                          + pf
                          + " after its services, but "
                          + reason
                          + ": advertising them as "
                          + Vf.RESOURCE_PREFIX
                          + ResourceKinds.GENERIC));
    }
    return Optional.of(new Candidate(facts, device.vfIndex, info.kind().kind(), info.problems()));
  }
}
