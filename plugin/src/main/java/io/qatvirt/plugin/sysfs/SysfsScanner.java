package io.qatvirt.plugin.sysfs;

import io.qatvirt.plugin.device.DeviceSnapshot;
import io.qatvirt.plugin.device.Health;
import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.Printable;
import io.qatvirt.plugin.device.ResourceKinds;
import io.qatvirt.plugin.device.Vf;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the node's QAT VFs in sysfs, binds them to vfio-pci where allowed, judges their health and
 * returns the whole snapshot. Works on a host (PFs with {@code virtfn} links) and inside a VM guest
 * (VFs passed through, no PF). One broken VF is logged once, with its address, and left out or
 * marked unhealthy; it never hides the others. Thread-safe (one scan at a time).
 */
public final class SysfsScanner implements io.qatvirt.plugin.device.VfScanner {

  /** How long a VF whose bind failed waits before the next attempt. */
  public static final Duration BIND_RETRY_AFTER = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(SysfsScanner.class);

  private final ScanConfig config;
  private final VfioBinder binder;
  private final BindEvents events;
  private final LongSupplier nanoTime;
  private final DeviceReader reader;
  private final PfReader pfReader;
  private final Path vfioDir;
  private final OnceLog once = new OnceLog(LOG);
  private final Map<PciAddress, FailedBind> failedBinds = new HashMap<>();

  private record FailedBind(String reason, long retryAt) {}

  public SysfsScanner(ScanConfig config, VfioBinder binder, BindEvents events) {
    this(config, binder, events, System::nanoTime);
  }

  SysfsScanner(ScanConfig config, VfioBinder binder, BindEvents events, LongSupplier nanoTime) {
    this.config = Objects.requireNonNull(config, "config");
    this.binder = Objects.requireNonNull(binder, "binder");
    this.events = Objects.requireNonNull(events, "events");
    this.nanoTime = nanoTime;
    this.reader = new DeviceReader(config);
    this.pfReader = new PfReader(config);
    this.vfioDir = config.devRoot().toAbsolutePath().normalize().resolve("vfio");
  }

  @Override
  public synchronized DeviceSnapshot scan() {
    try {
      List<Candidate> candidates = findCandidates();
      if (candidates == null) {
        return DeviceSnapshot.EMPTY;
      }
      candidates.sort(Candidate.ORDER);
      if (candidates.size() > config.maxNumDevices()) {
        once.info(
            "found "
                + candidates.size()
                + " VFs, advertising the first "
                + config.maxNumDevices()
                + " (--max-num-devices)");
        candidates = candidates.subList(0, config.maxNumDevices());
      }
      Map<String, List<Vf>> byResource = new LinkedHashMap<>();
      for (Candidate candidate : candidates) {
        Vf vf = judge(bindIfNeeded(candidate));
        byResource.computeIfAbsent(vf.resourceName(), name -> new ArrayList<>()).add(vf);
      }
      failedBinds
          .keySet()
          .retainAll(candidates.stream().map(c -> c.facts().address()).collect(Collectors.toSet()));
      return new DeviceSnapshot(byResource);
    } finally {
      once.endScan();
    }
  }

  /** The VFs of enabled families and extra IDs; null when sysfs itself can't be listed. */
  private List<Candidate> findCandidates() {
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
      return null;
    }
    Map<PciAddress, PfInfo> pfs = new HashMap<>();
    List<Candidate> candidates = new ArrayList<>();
    for (String name : names) {
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
      Probe probe = reader.read(address.get(), name);
      if (probe instanceof Probe.Broken broken) {
        once.warn(broken.reason() + ": leaving it out");
      } else if (probe instanceof Probe.Skip skip) {
        if (!skip.note().isEmpty()) {
          once.info(skip.note());
        }
      } else if (probe instanceof Probe.Found found) {
        candidate(found.facts(), pfs).ifPresent(candidates::add);
      }
    }
    return candidates;
  }

  private Optional<Candidate> candidate(VfFacts facts, Map<PciAddress, PfInfo> pfs) {
    if (!config.bind() && !onVfioPci(facts)) {
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
    PfInfo info =
        pfs.computeIfAbsent(
            pf, p -> pfReader.read(p, facts.dir().resolveSibling(p.toString()), facts.family()));
    info.kind()
        .fallbackReason()
        .filter(reason -> facts.family().isPresent())
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
    int index = info.vfIndex().getOrDefault(facts.address(), -1);
    return Optional.of(new Candidate(facts, index, info.kind().kind(), info.problems()));
  }

  private Candidate bindIfNeeded(Candidate candidate) {
    VfFacts facts = candidate.facts();
    if (onVfioPci(facts)) {
      failedBinds.remove(facts.address());
      return candidate;
    }
    FailedBind last = failedBinds.get(facts.address());
    if (last != null && nanoTime.getAsLong() - last.retryAt() < 0) {
      return candidate;
    }
    BindResult result = binder.bind(facts.address(), facts.group());
    if (result instanceof BindResult.Bound bound) {
      failedBinds.remove(facts.address());
      LOG.info(
          "bound VF {} to vfio-pci in {} ms (was on {})",
          facts.address(),
          bound.took().toMillis(),
          facts.driver().orElse("no driver"));
      events.bound(facts.address(), bound.took());
      return candidate.withFacts(facts.withDriver(Optional.of(VfioBinder.VFIO_PCI)));
    }
    String reason = ((BindResult.Failed) result).reason();
    failedBinds.put(
        facts.address(), new FailedBind(reason, nanoTime.getAsLong() + BIND_RETRY_AFTER.toNanos()));
    once.warn(reason);
    events.bindFailed(facts.address(), reason);
    return candidate;
  }

  private Vf judge(Candidate candidate) {
    VfFacts facts = candidate.facts();
    List<String> problems = new ArrayList<>();
    if (!onVfioPci(facts)) {
      FailedBind failed = failedBinds.get(facts.address());
      problems.add(
          failed != null
              ? failed.reason()
              : "it is on " + facts.driver().orElse("no driver") + ", not vfio-pci");
    } else if (!Files.exists(vfioDir.resolve(facts.group().nodeName()))) {
      problems.add(
          "its VFIO node "
              + facts.group().devicePath()
              + " is missing: is /dev mounted into the plugin, and did vfio-pci create it?");
    }
    problems.addAll(candidate.pfProblems());
    Health health = problems.isEmpty() ? Health.HEALTHY : Health.UNHEALTHY;
    String reason = String.join("; ", problems);
    if (health == Health.UNHEALTHY) {
      once.warn("VF " + facts.address() + " is unhealthy: " + reason);
    }
    return new Vf(
        facts.address(),
        facts.pf(),
        candidate.vfIndex(),
        candidate.kind(),
        facts.group(),
        facts.numaNode(),
        facts.driver(),
        health,
        reason);
  }

  private static boolean onVfioPci(VfFacts facts) {
    return facts.driver().filter(VfioBinder.VFIO_PCI::equals).isPresent();
  }
}
