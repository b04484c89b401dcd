package io.qatvirt.plugin.kubelet;

import io.qatvirt.plugin.device.DeviceSnapshot;
import io.qatvirt.plugin.device.Vf;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs what changed between two snapshots: one line per VF added, removed or changed health. */
final class SnapshotDiff {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotDiff.class);

  private SnapshotDiff() {}

  static void logChanges(DeviceSnapshot before, DeviceSnapshot after) {
    Set<String> resources = new HashSet<>(before.byResource().keySet());
    resources.addAll(after.byResource().keySet());
    for (String resource : resources) {
      Map<Object, Vf> old = byAddress(before.vfs(resource));
      Map<Object, Vf> now = byAddress(after.vfs(resource));
      for (Vf vf : after.vfs(resource)) {
        Vf was = old.get(vf.address());
        if (was == null) {
          LOG.info(
              "VF {} advertised under {}: {}{}",
              vf.address(),
              resource,
              vf.health().apiValue(),
              reason(vf));
        } else if (was.health() != vf.health() || !was.healthReason().equals(vf.healthReason())) {
          LOG.info(
              "VF {} of {} is now {}{}",
              vf.address(),
              resource,
              vf.health().apiValue(),
              reason(vf));
        }
      }
      for (Vf vf : before.vfs(resource)) {
        if (!now.containsKey(vf.address())) {
          LOG.info("VF {} no longer advertised under {}", vf.address(), resource);
        }
      }
    }
  }

  private static String reason(Vf vf) {
    return vf.healthReason().isEmpty() ? "" : " (" + vf.healthReason() + ")";
  }

  private static Map<Object, Vf> byAddress(List<Vf> vfs) {
    return vfs.stream().collect(Collectors.toMap(Vf::address, Function.identity(), (a, b) -> a));
  }
}
