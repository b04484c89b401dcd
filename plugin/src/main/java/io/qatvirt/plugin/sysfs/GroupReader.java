package io.qatvirt.plugin.sysfs;

import io.qatvirt.plugin.device.GroupMember;
import io.qatvirt.plugin.device.Printable;
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
 * Reads the members of IOMMU groups ({@code <sysfs>/kernel/iommu_groups/<N>/devices/*}) with their
 * drivers and whether each is a PCI bridge. Each group is read once per scan ({@link #endScan}).
 * Not thread-safe: used under the scanner's lock.
 */
final class GroupReader {

  /** What one group came to: its members, or why they could not be read. */
  record Reading(List<GroupMember> members, Optional<String> error) {}

  private final Path groupsDir;
  private final Map<Integer, Reading> thisScan = new HashMap<>();

  GroupReader(ScanConfig config) {
    this.groupsDir = config.sysfsRoot().toAbsolutePath().normalize().resolve("kernel/iommu_groups");
  }

  Reading read(VfioGroup group) {
    return thisScan.computeIfAbsent(group.number(), this::readNow);
  }

  void endScan() {
    thisScan.clear();
  }

  private Reading readNow(int number) {
    Path devices = groupsDir.resolve(Integer.toString(number)).resolve("devices");
    List<GroupMember> members = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(devices)) {
      for (Path entry : entries) {
        members.add(member(entry));
      }
    } catch (IOException | RuntimeException e) {
      return new Reading(
          List.of(),
          Optional.of(
              "tried to list the devices of its IOMMU group "
                  + number
                  + ", but "
                  + SysfsFiles.explain(e)));
    }
    return new Reading(List.copyOf(members), Optional.empty());
  }

  private static GroupMember member(Path entry) throws IOException {
    Optional<String> driver = Optional.empty();
    Optional<Path> target = SysfsFiles.linkTarget(entry.resolve("driver"));
    if (target.isPresent()) {
      Path name = target.get().getFileName();
      if (name == null || !SysfsFiles.DRIVER_NAME.matcher(name.toString()).matches()) {
        throw new IOException(
            entry.resolve("driver") + " points to " + Printable.of(target.get().toString()));
      }
      driver = Optional.of(name.toString());
    }
    String classText = SysfsFiles.firstLine(entry.resolve("class"));
    int baseAndSub =
        classText.length() == 8 && classText.startsWith("0x")
            ? SysfsFiles.hexId(classText.substring(0, 6))
            : -1;
    if (baseAndSub < 0) {
      throw new IOException(
          entry.resolve("class") + " reads '" + Printable.of(classText) + "', not a PCI class");
    }
    boolean bridge = baseAndSub == 0x0604 || baseAndSub == 0x0609;
    return new GroupMember(entry.getFileName().toString(), driver, bridge);
  }
}
