package io.qatvirt.demo.node;

import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.sim.SimulatedNode;
import io.qatvirt.plugin.sim.SimulatedPf;
import io.qatvirt.plugin.sim.VfStart;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The demo's node: two Gen4 (4xxx) PFs with 16 VFs each, one serving crypto ({@code sym;asym}, on
 * NUMA node 0), one compression ({@code dc}, on NUMA node 1). The first {@link #PREBOUND} VFs of
 * each PF are already on vfio-pci, as if someone had bound them by hand; the others have no driver,
 * as Gen4 VFs come up.
 */
public final class DemoNode {

  /** One PF of the demo and the services it was configured with. */
  public record Pf(SimulatedPf pf, String services, int numaNode) {}

  public static final String CRYPTO_PF = "0000:6b:00.0";
  public static final String COMPRESSION_PF = "0000:70:00.0";
  public static final int VFS_PER_PF = 16;
  public static final int PREBOUND = 4;

  private final SimulatedNode node;
  private final List<Pf> pfs;

  private DemoNode(SimulatedNode node, List<Pf> pfs) {
    this.node = node;
    this.pfs = pfs;
  }

  /** Lays the node out under {@code root} (sys/, dev/, sys/kernel/debug/). */
  public static DemoNode create(Path root) throws IOException {
    SimulatedNode node = SimulatedNode.create(root);
    Pf crypto = new Pf(gen4Pf(node, CRYPTO_PF, "sym;asym", 0), "sym;asym", 0);
    Pf compression = new Pf(gen4Pf(node, COMPRESSION_PF, "dc", 1), "dc", 1);
    return new DemoNode(node, List.of(crypto, compression));
  }

  private static SimulatedPf gen4Pf(SimulatedNode node, String address, String services, int numa)
      throws IOException {
    var builder =
        node.pf(QatFamily.GEN4_4XXX, address)
            .vfs(VFS_PER_PF)
            .totalVfs(VFS_PER_PF)
            .services(services)
            .numaNode(numa)
            .start(VfStart.UNBOUND);
    for (int i = 0; i < PREBOUND; i++) {
      builder.start(i, VfStart.VFIO_PCI);
    }
    return builder.create();
  }

  public SimulatedNode simulated() {
    return node;
  }

  public List<Pf> pfs() {
    return pfs;
  }

  /** Every VF of the node, PF by PF. */
  public List<PciAddress> vfs() {
    return pfs.stream().flatMap(p -> p.pf().vfs().stream()).toList();
  }

  /** The driver a VF is bound to right now, read from the simulated sysfs. */
  public Optional<String> driver(PciAddress vf) throws IOException {
    return node.driver(vf);
  }

  /** How many VFs are bound to vfio-pci right now. */
  public long onVfioPci() throws IOException {
    long count = 0;
    for (PciAddress vf : vfs()) {
      if (driver(vf).filter("vfio-pci"::equals).isPresent()) {
        count++;
      }
    }
    return count;
  }
}
