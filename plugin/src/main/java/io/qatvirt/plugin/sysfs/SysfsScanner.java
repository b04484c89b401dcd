package io.qatvirt.plugin.sysfs;

import io.qatvirt.plugin.device.DeviceSnapshot;
import io.qatvirt.plugin.device.GroupViability;
import io.qatvirt.plugin.device.Health;
import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.Vf;
import io.qatvirt.plugin.device.VfScanner;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
public final class SysfsScanner implements VfScanner {

  /** How long a VF whose bind failed waits before the next attempt. */
  public static final Duration BIND_RETRY_AFTER = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(SysfsScanner.class);

  private final ScanConfig config;
  private final VfioBinder binder;
  private final BindEvents events;
  private final LongSupplier nanoTime;
  private final Logger log;
  private final VfDiscovery discovery;
  private final Path vfioDir;
  private final OnceLog once;
  private final GroupReader groups;
  private final Map<PciAddress, FailedBind> failedBinds = new HashMap<>();

  private record FailedBind(String reason, long retryAt) {}

  public SysfsScanner(ScanConfig config, VfioBinder binder, BindEvents events) {
    this(config, binder, events, System::nanoTime, LOG);
  }

  SysfsScanner(
      ScanConfig config, VfioBinder binder, BindEvents events, LongSupplier nanoTime, Logger log) {
    this.once = new OnceLog(log);
    this.log = log;
    this.config = Objects.requireNonNull(config, "config");
    this.binder = Objects.requireNonNull(binder, "binder");
    this.events = Objects.requireNonNull(events, "events");
    this.nanoTime = nanoTime;
    this.discovery = new VfDiscovery(config);
    this.vfioDir = config.devRoot().toAbsolutePath().normalize().resolve("vfio");
    this.groups = new GroupReader(config);
  }

  @Override
  public synchronized DeviceSnapshot scan() {
    try {
      Optional<List<Candidate>> found = discovery.discover(once);
      reportHeartbeats(discovery.lastPfs());
      if (found.isEmpty()) {
        return DeviceSnapshot.EMPTY;
      }
      List<Candidate> candidates = new ArrayList<>(found.get());
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
      List<Candidate> bound = new ArrayList<>(candidates.size());
      for (Candidate candidate : candidates) {
        bindIfNeeded(candidate).ifPresent(bound::add);
      }
      Set<String> vfioNodes = vfioNodes();
      for (Candidate candidate : bound) {
        judge(candidate, vfioNodes)
            .ifPresent(
                vf ->
                    byResource
                        .computeIfAbsent(vf.resourceName(), name -> new ArrayList<>())
                        .add(vf));
      }
      failedBinds
          .keySet()
          .retainAll(candidates.stream().map(c -> c.facts().address()).collect(Collectors.toSet()));
      return new DeviceSnapshot(byResource);
    } finally {
      groups.endScan();
      once.endScan();
    }
  }

  /** Logs each unreadable heartbeat once per PF and reason, and tells the events of every PF's. */
  private void reportHeartbeats(Map<PciAddress, PfInfo> pfs) {
    Map<PciAddress, Boolean> unreadable = new HashMap<>();
    String counted = config.heartbeatUnreadable().apiValue().toLowerCase(Locale.ROOT);
    for (PfInfo info : pfs.values()) {
      if (info.heartbeat().isEmpty()) {
        continue;
      }
      PfInfo.Heartbeat heartbeat = info.heartbeat().get();
      unreadable.put(info.address(), heartbeat.unreadable().isPresent());
      if (heartbeat.unreadable().isPresent()) {
        once.warn(
            "tried to read the heartbeat of PF "
                + info.address()
                + " at "
                + heartbeat.status()
                + ", but "
                + heartbeat.unreadable().get()
                + ": its VFs count as "
                + counted
                + " (--heartbeat-unreadable="
                + counted
                + ")");
      }
    }
    events.heartbeats(unreadable);
  }

  /** The candidate as it is after binding; empty when the VF vanished meanwhile. */
  private Optional<Candidate> bindIfNeeded(Candidate candidate) {
    VfFacts facts = candidate.facts();
    if (onVfioPci(facts)) {
      failedBinds.remove(facts.address());
      return Optional.of(candidate);
    }
    FailedBind last = failedBinds.get(facts.address());
    if (last != null && nanoTime.getAsLong() - last.retryAt() < 0) {
      once.warn(last.reason()); // still the same problem: keeps it from being logged again
      return Optional.of(candidate);
    }
    BindResult result = binder.bind(facts.address(), facts.group());
    if (result instanceof BindResult.Bound bound) {
      failedBinds.remove(facts.address());
      log.info(
          "bound VF {} to vfio-pci in {} ms (was on {})",
          facts.address(),
          bound.took().toMillis(),
          facts.driver().orElse("no driver"));
      events.bound(facts.address(), bound.took());
      return Optional.of(candidate.withFacts(facts.withDriver(Optional.of(VfioBinder.VFIO_PCI))));
    }
    if (!Files.isDirectory(facts.fixed().dir())) {
      // Removed while we looked (sriov_numvfs set to 0 tears the driver link down first): not a
      // bind failure, just a VF that is gone.
      log.info("VF {} vanished while being bound to vfio-pci", facts.address());
      return Optional.empty();
    }
    String reason = ((BindResult.Failed) result).reason();
    failedBinds.put(
        facts.address(), new FailedBind(reason, nanoTime.getAsLong() + BIND_RETRY_AFTER.toNanos()));
    once.warn(reason);
    events.bindFailed(facts.address(), reason);
    // the attempt may have left it unbound: advertise the driver it has now
    return Optional.of(
        candidate.withFacts(facts.withDriver(SysfsFiles.driverName(facts.fixed().dir()))));
  }

  private Set<String> vfioNodes() {
    Set<String> names = new HashSet<>();
    try (DirectoryStream<Path> nodes = Files.newDirectoryStream(vfioDir)) {
      nodes.forEach(node -> names.add(node.getFileName().toString()));
    } catch (IOException | RuntimeException e) {
      once.warn(
          "tried to list "
              + vfioDir
              + ", but "
              + SysfsFiles.explain(e)
              + ": every VF is unhealthy until /dev/vfio is readable");
    }
    return names;
  }

  /** The VF as advertised; empty when its IOMMU group can't be passed through (logged). */
  private Optional<Vf> judge(Candidate candidate, Set<String> vfioNodes) {
    VfFacts facts = candidate.facts();
    GroupReader.Reading group = groups.read(facts.group());
    Optional<String> notViable =
        GroupViability.problem(facts.address(), facts.group(), group.members());
    if (notViable.isPresent()) {
      once.warn("tried to serve VF " + facts.address() + ", but " + notViable.get());
      return Optional.empty();
    }
    List<String> problems = new ArrayList<>();
    if (!onVfioPci(facts)) {
      FailedBind failed = failedBinds.get(facts.address());
      problems.add(
          failed != null
              ? failed.reason()
              : "it is on " + facts.driver().orElse("no driver") + ", not vfio-pci");
    } else if (!vfioNodes.contains(facts.group().nodeName())) {
      problems.add(
          "its VFIO node "
              + facts.group().devicePath()
              + " is missing: is /dev mounted into the plugin, and did vfio-pci create it?");
    }
    group.error().ifPresent(problems::add);
    problems.addAll(candidate.pfProblems());
    Health health = problems.isEmpty() ? Health.HEALTHY : Health.UNHEALTHY;
    String reason = String.join("; ", problems);
    if (health == Health.UNHEALTHY) {
      once.warn("VF " + facts.address() + " is unhealthy: " + reason);
    }
    return Optional.of(
        new Vf(
            facts.address(),
            facts.pf(),
            candidate.vfIndex(),
            candidate.kind(),
            facts.group(),
            facts.fixed().numaNode(),
            facts.driver(),
            health,
            reason));
  }

  static boolean onVfioPci(VfFacts facts) {
    return facts.driver().filter(VfioBinder.VFIO_PCI::equals).isPresent();
  }
}
