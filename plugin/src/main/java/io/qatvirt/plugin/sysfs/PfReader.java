package io.qatvirt.plugin.sysfs;

import io.qatvirt.plugin.device.Health;
import io.qatvirt.plugin.device.KindDecision;
import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.Printable;
import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.device.ResourceKinds;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads a PF's VF links, its QAT services and state, and its heartbeat. */
final class PfReader {

  private static final KindDecision NOT_SERVICE_AWARE =
      new KindDecision(ResourceKinds.GENERIC, Optional.empty());

  private final Path debugfsRoot;
  private final Health heartbeatUnreadable;

  PfReader(ScanConfig config) {
    this.debugfsRoot = config.debugfsRoot().toAbsolutePath().normalize();
    this.heartbeatUnreadable = config.heartbeatUnreadable();
  }

  /**
   * @param pfDir the PF's real directory (a sibling of its VFs')
   * @param family its VFs' family; empty for a PF of extra-ID VFs (no QAT files)
   */
  PfInfo read(PciAddress pf, Path pfDir, Optional<QatFamily> family) {
    List<String> problems = new ArrayList<>();
    KindDecision kind = NOT_SERVICE_AWARE;
    Optional<PfInfo.Heartbeat> heartbeat = Optional.empty();
    if (family.isPresent() && family.get().serviceAware()) {
      Optional<String> state = SysfsFiles.firstLineIfReadable(pfDir.resolve("qat/state"));
      Optional<String> services = SysfsFiles.firstLineIfReadable(pfDir.resolve("qat/cfg_services"));
      kind = ResourceKinds.fromServices(state, services);
      if (state.filter("down"::equals).isPresent()) {
        problems.add(
            "its PF "
                + pf
                + " reports qat/state 'down': the QAT device is stopped or failed; check dmesg,"
                + " then bring it up (echo up > qat/state) or enable qat/auto_reset");
      }
    }
    if (family.isPresent()) {
      String driver = SysfsFiles.driverName(pfDir).orElse(family.get().pfDriver());
      Path status =
          debugfsRoot.resolve("qat_" + driver + "_" + pf).resolve("heartbeat").resolve("status");
      Optional<String> unreadable = Optional.empty();
      try {
        String text = SysfsFiles.firstLine(status);
        if (text.equals("-1")) {
          problems.add(
              "its PF "
                  + pf
                  + " failed its heartbeat ("
                  + status
                  + " reads -1): the QAT device needs a reset; check dmesg and qat/auto_reset");
        } else if (!text.equals("0")) {
          unreadable =
              Optional.of("it reads '" + Printable.of(text) + "', not 0 (alive) or -1 (failed)");
        }
      } catch (IOException | RuntimeException e) {
        unreadable = Optional.of(unreadableReason(e));
      }
      if (unreadable.isPresent() && heartbeatUnreadable == Health.UNHEALTHY) {
        problems.add(
            "the heartbeat of its PF "
                + pf
                + " can't be read ("
                + status
                + ": "
                + unreadable.get()
                + ") and --heartbeat-unreadable=unhealthy");
      }
      heartbeat = Optional.of(new PfInfo.Heartbeat(status, unreadable));
    }
    return new PfInfo(pf, kind, List.copyOf(problems), heartbeat);
  }

  /** Why a heartbeat file could not be read, with what to check. */
  static String unreadableReason(Exception e) {
    if (e instanceof NoSuchFileException) {
      return "it does not exist (is debugfs mounted into the plugin, and is the kernel 6.6 or"
          + " later?)";
    }
    if (e instanceof AccessDeniedException) {
      return "reading it was denied (does the plugin run privileged, and does SELinux let it read"
          + " debugfs?)";
    }
    return SysfsFiles.explain(e);
  }

  /** The {@code virtfn<i>} index of each VF the PF links to. */
  static Map<PciAddress, Integer> vfIndices(Path pfDir) {
    Map<PciAddress, Integer> indices = new HashMap<>();
    try (DirectoryStream<Path> links = Files.newDirectoryStream(pfDir, "virtfn*")) {
      for (Path link : links) {
        int index = SysfsFiles.smallNumber(link.getFileName().toString().substring(6));
        if (index < 0) {
          continue;
        }
        Optional<Path> target = SysfsFiles.linkTarget(link);
        if (target.isEmpty()) {
          continue;
        }
        Path vfDir = SysfsFiles.resolveLink(pfDir, target.get());
        if (vfDir.getFileName() == null || !pfDir.getParent().equals(vfDir.getParent())) {
          continue;
        }
        PciAddress.parse(vfDir.getFileName().toString()).ifPresent(vf -> indices.put(vf, index));
      }
    } catch (IOException | RuntimeException e) {
      // the PF vanished or can't be listed: its VFs keep index -1 and sort by address
    }
    return indices;
  }
}
