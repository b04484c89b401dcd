package io.qatvirt.plugin.allocation;

import io.qatvirt.plugin.device.Health;
import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.Vf;
import io.qatvirt.plugin.device.VfioGroup;
import java.util.List;
import java.util.Optional;

/** Plain VF values for the allocation tests. */
final class TestVfs {
  private TestVfs() {}

  static PciAddress addr(String text) {
    return PciAddress.parse(text).orElseThrow();
  }

  static Vf vf(String address, String pf, int group, int numa) {
    return new Vf(
        addr(address),
        Optional.of(addr(pf)),
        address.charAt(address.length() - 1) - '0',
        "generic",
        new VfioGroup(group, false),
        numa,
        Optional.of("vfio-pci"),
        Health.HEALTHY,
        "");
  }

  /** PF 3d (NUMA 0) and PF 3f (NUMA 0) with 4 VFs each, PF da (NUMA 1) with 4 VFs. */
  static List<Vf> threePfs() {
    return List.of(
        vf("0000:3d:01.0", "0000:3d:00.0", 10, 0),
        vf("0000:3d:01.1", "0000:3d:00.0", 11, 0),
        vf("0000:3d:01.2", "0000:3d:00.0", 12, 0),
        vf("0000:3d:01.3", "0000:3d:00.0", 13, 0),
        vf("0000:3f:01.0", "0000:3f:00.0", 20, 0),
        vf("0000:3f:01.1", "0000:3f:00.0", 21, 0),
        vf("0000:3f:01.2", "0000:3f:00.0", 22, 0),
        vf("0000:3f:01.3", "0000:3f:00.0", 23, 0),
        vf("0000:da:01.0", "0000:da:00.0", 30, 1),
        vf("0000:da:01.1", "0000:da:00.0", 31, 1),
        vf("0000:da:01.2", "0000:da:00.0", 32, 1),
        vf("0000:da:01.3", "0000:da:00.0", 33, 1));
  }

  static List<String> ids(List<Vf> vfs) {
    return vfs.stream().map(vf -> vf.address().toString()).toList();
  }
}
