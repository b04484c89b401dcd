package io.qatvirt.plugin.sysfs;

import io.qatvirt.plugin.device.KindDecision;
import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.device.ResourceKinds;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
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

  PfReader(ScanConfig config) {
    this.debugfsRoot = config.debugfsRoot().toAbsolutePath().normalize();
  }

  /**
   * @param pfDir the PF's real directory (a sibling of its VFs')
   * @param family its VFs' family; empty for a PF of extra-ID VFs (no QAT files)
   */
  PfInfo read(PciAddress pf, Path pfDir, Optional<QatFamily> family) {
    List<String> problems = new ArrayList<>();
    KindDecision kind = NOT_SERVICE_AWARE;
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
      if (SysfsFiles.firstLineIfReadable(status).filter("-1"::equals).isPresent()) {
        problems.add(
            "its PF "
                + pf
                + " failed its heartbeat ("
                + status
                + " reads -1): the QAT device needs a reset; check dmesg and qat/auto_reset");
      }
    }
    return new PfInfo(pf, kind, List.copyOf(problems));
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
