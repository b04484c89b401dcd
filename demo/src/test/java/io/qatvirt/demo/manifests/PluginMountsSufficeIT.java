package io.qatvirt.demo.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.qatvirt.demo.node.DemoNode;
import io.qatvirt.plugin.cli.Cli;
import io.qatvirt.plugin.cli.PluginCommand;
import io.qatvirt.plugin.device.DeviceSnapshot;
import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.sim.SimulatedNode;
import io.qatvirt.plugin.sim.VfStart;
import io.qatvirt.plugin.sysfs.BindEvents;
import io.qatvirt.plugin.sysfs.ScanConfig;
import io.qatvirt.plugin.sysfs.SysfsScanner;
import io.qatvirt.plugin.sysfs.VfioBinder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DaemonSet mounts only parts of the host's /sys and /dev. This builds the container's view of
 * a node from exactly those hostPath mounts (copies of the simulated node's subtrees, links kept as
 * the kernel writes them, at the mount paths) and scans it with the DaemonSet's own flags: the
 * plugin must see what it sees with the whole tree.
 */
class PluginMountsSufficeIT {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void theMountedSubtreesShowThePluginTheSameVfsAsTheWholeSysfs(@TempDir Path temp)
      throws Exception {
    DemoNode node = DemoNode.create(temp.resolve("node"));
    ScanConfig whole = node.simulated().scanConfig();
    // bind every VF first, through the simulated kernel, so both scans read a settled node
    scan(whole, node.simulated(), true);
    DeviceSnapshot expected = scan(whole, node.simulated(), false);
    assertEquals(
        2 * DemoNode.VFS_PER_PF,
        expected.byResource().values().stream().mapToInt(List::size).sum());

    JsonNode ds = YAML.readTree(repo().resolve("manifests/base/plugin-daemonset.yaml").toFile());
    Path view = temp.resolve("container");
    buildView(ds, node.simulated(), view, List.of());
    assertEquals(expected, scan(containerConfig(ds, view), node.simulated(), false));

    Path partial = temp.resolve("container-without-dev-vfio");
    buildView(ds, node.simulated(), partial, List.of("/dev/vfio"));
    assertNotEquals(
        expected,
        scan(containerConfig(ds, partial), node.simulated(), false),
        "the check notices a missing mount");
  }

  @Test
  void inNoIommuModeTheIommuGroupsMountIsWhatNamesTheVfioNodes(@TempDir Path temp)
      throws Exception {
    SimulatedNode node = SimulatedNode.create(temp.resolve("node"));
    node.pf(QatFamily.GEN4_4XXX, "0000:6b:00.0").vfs(2).noIommu().start(VfStart.VFIO_PCI).create();
    DeviceSnapshot expected = scan(node.scanConfig(), node, false);
    assertEquals(
        List.of("/dev/vfio/noiommu-2", "/dev/vfio/noiommu-3"),
        expected.vfs("qat.intel.com/cy").stream().map(vf -> vf.group().devicePath()).toList());
    JsonNode ds = YAML.readTree(repo().resolve("manifests/base/plugin-daemonset.yaml").toFile());
    Path view = temp.resolve("container");
    buildView(ds, node, view, List.of());
    assertEquals(expected, scan(containerConfig(ds, view), node, false));
    Path partial = temp.resolve("container-without-iommu-groups");
    buildView(ds, node, partial, List.of("/sys/kernel/iommu_groups"));
    assertNotEquals(expected, scan(containerConfig(ds, partial), node, false));
  }

  private static DeviceSnapshot scan(ScanConfig config, SimulatedNode node, boolean bind) {
    ScanConfig withBind = config.withBind(bind);
    return new SysfsScanner(
            withBind,
            new VfioBinder(withBind.sysfsRoot(), withBind.devRoot(), node.kernel()),
            BindEvents.NONE)
        .scan();
  }

  /** The DaemonSet's flags, with the container's root moved to {@code view}. */
  private static ScanConfig containerConfig(JsonNode ds, Path view) {
    List<String> args =
        Objects.texts(Objects.container(ds, "qat-device-plugin").path("args")).stream()
            .map(a -> a.replaceFirst("=/", "=" + view + "/"))
            .toList();
    var commandLine = Cli.commandLine();
    commandLine.parseArgs(args.toArray(String[]::new));
    return ((PluginCommand) commandLine.getCommand()).settings().scan();
  }

  /** Copies each /sys or /dev hostPath volume of the node to its mount path under {@code view}. */
  private static void buildView(JsonNode ds, SimulatedNode node, Path view, List<String> leaveOut)
      throws IOException {
    Map<String, String> hostPaths = Objects.hostPaths(ds);
    for (JsonNode mount : Objects.container(ds, "qat-device-plugin").path("volumeMounts")) {
      String host = hostPaths.get(mount.path("name").asText());
      if (host == null || leaveOut.contains(host)) {
        continue;
      }
      Path source;
      if (host.startsWith("/sys/")) {
        source = node.sysfsRoot().resolve(host.substring(5));
      } else if (host.startsWith("/dev/")) {
        source = node.devRoot().resolve(host.substring(5));
      } else {
        continue; // the kubelet directory: not part of the node's devices
      }
      copyTree(source, view.resolve(mount.path("mountPath").asText().substring(1)));
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isSymbolicLink(p)) {
          Files.createDirectories(target.getParent());
          Files.createSymbolicLink(target, Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(p, target);
        }
      }
    }
  }

  private static Path repo() {
    return Path.of(System.getProperty("qatvirt.repo.dir", "..")).toAbsolutePath().normalize();
  }
}
