package io.qatvirt.plugin.allocation;

import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.Vf;
import io.qatvirt.plugin.device.VfioGroup;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * A node on which the given VFs are exactly as advertised (on vfio-pci, in their group, the node
 * present) and every other address is gone, until a test says otherwise with {@link #set}.
 */
public final class FakeNodeVfs implements NodeVfs {
  private final Map<PciAddress, VfioGroup> groups;
  private final Map<PciAddress, VfOnNode> overrides = new ConcurrentHashMap<>();

  private FakeNodeVfs(Map<PciAddress, VfioGroup> groups) {
    this.groups = groups;
  }

  /** Shows these VFs as advertised. */
  public static FakeNodeVfs showing(List<Vf> vfs) {
    return new FakeNodeVfs(
        vfs.stream()
            .collect(
                Collectors.toMap(Vf::address, Vf::group, (a, b) -> a, ConcurrentHashMap::new)));
  }

  /** Shows the VF at {@code address} as {@code state} from now on. */
  public FakeNodeVfs set(String address, VfOnNode state) {
    overrides.put(PciAddress.parse(address).orElseThrow(), state);
    return this;
  }

  /** A present VF on {@code driver} (vfio-pci is the VFIO driver) in {@code group}. */
  public static VfOnNode.Present present(String driver, VfioGroup group, boolean nodePresent) {
    return new VfOnNode.Present(
        Optional.of(driver), Set.of("vfio-pci"), Optional.of(group), nodePresent);
  }

  @Override
  public VfOnNode read(PciAddress address) {
    VfOnNode override = overrides.get(address);
    if (override != null) {
      return override;
    }
    return Optional.ofNullable(groups.get(address))
        .<VfOnNode>map(group -> present("vfio-pci", group, true))
        .orElseGet(VfOnNode.Gone::new);
  }
}
