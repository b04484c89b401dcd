package io.qatvirt.plugin.allocation;

import io.qatvirt.plugin.allocation.AllocationException.Kind;
import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.Vf;
import io.qatvirt.plugin.device.VfioGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Answers kubelet's Allocate for one container from the VFs advertised under a resource, each
 * checked on the node at the time of the call.
 */
public final class Allocator {
  private Allocator() {}

  /**
   * Builds the container's device nodes and environment.
   *
   * @param resourceName e.g. {@code qat.intel.com/generic}
   * @param advertised the VFs advertised under that resource right now
   * @param deviceIds the IDs kubelet picked, in its order
   * @param node reads each requested VF on the node now
   * @throws AllocationException for a malformed, duplicate, unknown or unhealthy ID, or a VF that
   *     is gone or changed on the node since it was advertised
   */
  public static ContainerAllocation allocate(
      String resourceName, List<Vf> advertised, List<String> deviceIds, NodeVfs node) {
    if (deviceIds.isEmpty()) {
      throw new AllocationException(
          Kind.INVALID, "tried to allocate " + resourceName + ", but the request names no device");
    }
    Map<PciAddress, Vf> byAddress = KubeletIds.index(advertised);
    List<Vf> chosen = new ArrayList<>();
    List<VfioGroup> groups = new ArrayList<>();
    Set<PciAddress> seen = new LinkedHashSet<>();
    for (String id : deviceIds) {
      PciAddress address = KubeletIds.parse(id, "allocate");
      if (!seen.add(address)) {
        throw new AllocationException(
            Kind.INVALID, "tried to allocate device " + address + ", but it is requested twice");
      }
      Vf vf = byAddress.get(address);
      if (vf == null) {
        throw new AllocationException(
            Kind.UNKNOWN,
            "tried to allocate device "
                + address
                + ", but it is not advertised under "
                + resourceName
                + " on this node (removed, or another resource)");
      }
      if (!vf.healthy()) {
        throw new AllocationException(
            Kind.UNHEALTHY,
            "tried to allocate device " + address + ", but it is unhealthy: " + vf.healthReason());
      }
      groups.add(LiveCheck.verify(vf, node.read(address)));
      chosen.add(vf);
    }
    return new ContainerAllocation(deviceNodes(groups), envs(resourceName, chosen));
  }

  private static List<DeviceNode> deviceNodes(List<VfioGroup> groups) {
    List<DeviceNode> nodes = new ArrayList<>();
    nodes.add(DeviceNode.readWrite(VfioGroup.CONTAINER_NODE));
    groups.stream()
        .map(VfioGroup::devicePath)
        .distinct()
        .forEach(path -> nodes.add(DeviceNode.readWrite(path)));
    return nodes;
  }

  private static Map<String, String> envs(String resourceName, List<Vf> chosen) {
    Map<String, String> envs = new LinkedHashMap<>();
    envs.put(
        KubeVirtEnv.pciResourceVariable(resourceName),
        chosen.stream().map(vf -> vf.address().toString()).collect(Collectors.joining(",")));
    List<PciAddress> sorted = chosen.stream().map(Vf::address).sorted().toList();
    for (int i = 0; i < sorted.size(); i++) {
      envs.put(KubeVirtEnv.qatVariable(resourceName, i), sorted.get(i).toString());
    }
    return envs;
  }
}
