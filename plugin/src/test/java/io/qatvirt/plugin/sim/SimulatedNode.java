package io.qatvirt.plugin.sim;

import io.qatvirt.plugin.device.PciAddress;
import io.qatvirt.plugin.device.PciId;
import io.qatvirt.plugin.device.QatFamily;
import io.qatvirt.plugin.device.VfioGroup;
import io.qatvirt.plugin.sysfs.ScanConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A node's QAT hardware as Linux shows it, laid out in a folder: {@code <root>/sys} (sysfs, with
 * debugfs at {@code sys/kernel/debug}) and {@code <root>/dev} (the /dev/vfio nodes, as regular
 * empty files: the plugin only checks that they exist and hands their paths on). Build PFs with
 * VFs, guest-style VFs and other SR-IOV devices, then break things; {@link SimulatedKernel} applies
 * the plugin's sysfs writes as Linux would. Thread-safe: every method holds the node's lock.
 */
public final class SimulatedNode {

  private static final Pattern ATTRIBUTE = Pattern.compile("[A-Za-z0-9_]+(/[A-Za-z0-9_]+)*");

  final SimLayout layout;
  private final Path root;
  private final SimRegistry registry;
  private final SimDrivers drivers;

  private SimulatedNode(Path root) {
    this.root = root.toAbsolutePath().normalize();
    this.layout = new SimLayout(this.root);
    this.registry = new SimRegistry(layout);
    this.drivers = new SimDrivers(layout, registry);
  }

  /** An empty node in {@code root}: vfio-pci loaded (denylist active), /dev/vfio/vfio present. */
  public static SimulatedNode create(Path root) throws IOException {
    SimulatedNode node = new SimulatedNode(root);
    node.layout.createRoots();
    node.layout.loadDriver(SimDrivers.VFIO_PCI);
    node.layout.loadDriver("pcieport");
    return node;
  }

  public Path root() {
    return root;
  }

  public Path sysfsRoot() {
    return layout.sysfs;
  }

  public Path devRoot() {
    return layout.dev;
  }

  public Path debugfsRoot() {
    return layout.debugfs;
  }

  /** The scanner's defaults at this node's roots. */
  public ScanConfig scanConfig() {
    return ScanConfig.defaults(sysfsRoot(), devRoot(), debugfsRoot());
  }

  /** A kernel applying sysfs writes to this node. */
  public SimulatedKernel kernel() {
    return new SimulatedKernel(this);
  }

  public PfBuilder pf(QatFamily family, String address) {
    return new PfBuilder(this, SriovDeviceType.of(family), address);
  }

  public PfBuilder pf(SriovDeviceType ids, String address) {
    return new PfBuilder(this, ids, address);
  }

  public GuestVfBuilder guestVf(QatFamily family, String address) {
    return new GuestVfBuilder(this, SriovDeviceType.of(family), address);
  }

  public GuestVfBuilder guestVf(SriovDeviceType ids, String address) {
    return new GuestVfBuilder(this, ids, address);
  }

  synchronized SimulatedPf createPf(PfBuilder spec) throws IOException {
    PciAddress address = spec.address;
    registry.requireFree(address);
    int rid = (address.bus() << 8) | (address.device() << 3) | address.function();
    List<PciAddress> vfs = new ArrayList<>();
    for (int i = 0; i < spec.total(); i++) {
      vfs.add(fromRid(address.domain(), rid + spec.ids.vfOffset() + i));
    }
    for (PciAddress vf : vfs.subList(0, spec.vfCount)) {
      registry.requireFree(vf);
    }
    Path parent = registry.bridgeFor(address);
    int pfGroup = spec.firstGroup.orElse(registry.nextGroup());
    List<Integer> vfGroups = new ArrayList<>();
    for (int i = 0; i < spec.total(); i++) {
      vfGroups.add(pfGroup + 1 + i);
    }
    registry.reserveGroups(pfGroup + 1 + spec.total());
    SimDevice pf =
        new SimDevice(
            address,
            spec.ids,
            SimDevice.Kind.PF,
            parent.resolve(address.toString()),
            new VfioGroup(pfGroup, spec.noIommu),
            Optional.empty(),
            -1,
            spec.numaNode);
    registry.add(pf);
    layout.addPfAttributes(pf, spec);
    layout.loadDriver(spec.ids.pfDriver());
    layout.bind(pf, spec.ids.pfDriver());
    SriovState state = new SriovState(pf, vfs, vfGroups, spec.noIommu);
    registry.putPf(state);
    enableVfs(state, spec.vfCount, spec::startOf);
    return new SimulatedPf(address, vfs.subList(0, spec.vfCount));
  }

  synchronized PciAddress createGuestVf(GuestVfBuilder spec) throws IOException {
    registry.requireFree(spec.address);
    Path parent = registry.bridgeFor(spec.address);
    SimDevice vf =
        new SimDevice(
            spec.address,
            spec.ids,
            SimDevice.Kind.VF,
            parent.resolve(spec.address.toString()),
            new VfioGroup(spec.group.orElse(registry.nextGroup()), spec.noIommu),
            Optional.empty(),
            -1,
            spec.numaNode);
    registry.add(vf);
    start(vf, spec.start);
    return spec.address;
  }

  /**
   * Adds a plain PCI function (a NIC, a bridge, another VF-like device) in IOMMU group {@code
   * group}, e.g. the group of a VF ({@link #group}), to put a neighbour there: bound to {@code
   * driver} (loaded first), or with no driver when empty. {@code classCode} is the {@code class}
   * file's value ({@code 0x020000} Ethernet, {@code 0x060400} PCI bridge).
   */
  public synchronized PciAddress addFunction(
      String address, PciId id, int classCode, int group, Optional<String> driver)
      throws IOException {
    PciAddress at = parse(address);
    registry.requireFree(at);
    SriovDeviceType ids =
        new SriovDeviceType(
            id.vendor(),
            id.device(),
            id.device(),
            driver.orElse(""),
            Optional.empty(),
            Optional.empty(),
            1,
            classCode);
    SimDevice device =
        new SimDevice(
            at,
            ids,
            SimDevice.Kind.FUNCTION,
            registry.bridgeFor(at).resolve(at.toString()),
            new VfioGroup(group, false),
            Optional.empty(),
            -1,
            -1);
    registry.add(device);
    if (driver.isPresent()) {
      layout.loadDriver(driver.get());
      layout.bind(device, driver.get());
    }
    return at;
  }

  interface Starts {
    VfStart of(int index);
  }

  private void enableVfs(SriovState pf, int count, Starts starts) throws IOException {
    for (int i = 0; i < count; i++) {
      PciAddress address = pf.vfs.get(i);
      SimDevice vf =
          new SimDevice(
              address,
              pf.device.ids(),
              SimDevice.Kind.VF,
              pf.device.dir().resolveSibling(address.toString()),
              new VfioGroup(pf.vfGroups.get(i), pf.noIommu),
              Optional.of(pf.device.address()),
              i,
              pf.device.numaNode());
      registry.add(vf);
      SimTree.link(vf.dir().resolve("physfn"), pf.device.dir());
      SimTree.link(pf.device.dir().resolve("virtfn" + i), vf.dir());
      start(vf, starts.of(i));
    }
    SimTree.write(pf.device.dir().resolve("sriov_numvfs"), count + "\n");
    pf.enabled = count;
  }

  private void start(SimDevice vf, VfStart start) throws IOException {
    switch (start) {
      case VFIO_PCI -> {
        if (!layout.driverLoaded(SimDrivers.VFIO_PCI)) {
          throw new IllegalStateException(
              "tried to start " + vf.address() + " on vfio-pci, but vfio-pci is unloaded");
        }
        SimTree.write(vf.dir().resolve("driver_override"), "vfio-pci\n");
        layout.bind(vf, SimDrivers.VFIO_PCI);
      }
      case KERNEL_DRIVER -> {
        String driver =
            vf.ids()
                .vfKernelDriver()
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "tried to start "
                                + vf.address()
                                + " on its kernel driver, but it has none"));
        layout.loadDriver(driver);
        layout.bind(vf, driver);
      }
      case UNBOUND -> {}
    }
  }

  // ---- driver binding, with the kernel's errors ----

  /**
   * Binds an unbound device to a loaded driver as the kernel would: {@code EBUSY} when bound,
   * {@code ENODEV} for an unloaded driver, {@code EINVAL} when vfio-pci refuses a denylisted
   * device.
   */
  public synchronized void bind(PciAddress address, String driver) throws IOException {
    drivers.bind(registry.existing(address), driver);
  }

  /** Unbinds a device; {@code ENODEV} when it has no driver. Leaving vfio-pci drops the node. */
  public synchronized void unbind(PciAddress address) throws IOException {
    drivers.unbind(registry.existing(address));
  }

  /** Loads or unloads vfio-pci, binding or unbinding devices as modprobe and rmmod do. */
  public synchronized void setVfioPciLoaded(boolean loaded) throws IOException {
    drivers.setVfioPciLoaded(loaded);
  }

  /** vfio-pci's {@code disable_denylist}; false (the default) refuses pre-Gen4 QAT VFs. */
  public synchronized void setVfioPciDisableDenylist(boolean disable) {
    drivers.setDisableDenylist(disable);
  }

  synchronized String probeDriver(PciAddress address) throws IOException {
    return drivers.probe(registry.existing(address));
  }

  synchronized void addDynamicId(String driver, PciId id) throws IOException {
    drivers.addDynamicId(driver, id);
  }

  synchronized void removeDynamicId(String driver, PciId id) throws IOException {
    drivers.removeDynamicId(driver, id);
  }

  // ---- SR-IOV ----

  /**
   * Writes {@code sriov_numvfs} as the kernel takes it: 0 removes every VF (directories, links,
   * /dev/vfio nodes); N from 0 creates N VFs (same addresses and groups as before), probed with
   * their kernel driver when {@code sriov_drivers_autoprobe} is 1. {@code ERANGE} past {@code
   * sriov_totalvfs}, {@code EBUSY} from one non-zero count to another.
   */
  public synchronized void setNumVfs(PciAddress pfAddress, int count) throws IOException {
    SriovState pf = registry.pf(pfAddress).orElseThrow(Errno.EINVAL::exception);
    if (count < 0) {
      throw Errno.EINVAL.exception();
    }
    if (count > pf.vfs.size()) {
      throw Errno.ERANGE.exception();
    }
    if (count == pf.enabled) {
      return;
    }
    if (count != 0 && pf.enabled != 0) {
      throw Errno.EBUSY.exception();
    }
    if (count == 0) {
      for (int i = pf.enabled - 1; i >= 0; i--) {
        removeDevice(pf.vfs.get(i));
      }
      SimTree.write(pf.device.dir().resolve("sriov_numvfs"), "0\n");
      pf.enabled = 0;
      return;
    }
    boolean autoprobe =
        SimTree.read(pf.device.dir().resolve("sriov_drivers_autoprobe")).trim().equals("1");
    enableVfs(pf, count, i -> VfStart.UNBOUND);
    if (autoprobe) {
      for (PciAddress vf : pf.vfs.subList(0, count)) {
        drivers.attach(registry.existing(vf));
      }
    }
  }

  // ---- breaking things ----

  /** Removes a device as hot-unplug does: its directory, every link to it, its /dev/vfio node. */
  public synchronized void removeDevice(PciAddress address) throws IOException {
    SimDevice device = registry.existing(address);
    if (layout.driver(device).isPresent()) {
      drivers.unbind(device);
    }
    Optional<SriovState> pf = device.physfn().flatMap(registry::pf);
    if (pf.isPresent()) {
      Files.deleteIfExists(pf.get().device.dir().resolve("virtfn" + device.vfIndex()));
    }
    registry.remove(device);
  }

  /** Deletes the device's {@code iommu_group} link (as with the IOMMU off). */
  public synchronized void removeIommuGroupLink(PciAddress address) throws IOException {
    Files.delete(registry.existing(address).dir().resolve("iommu_group"));
  }

  /** Overwrites one attribute file of a device (e.g. {@code device}, {@code qat/state}) raw. */
  public synchronized void writeAttribute(PciAddress address, String attribute, String content)
      throws IOException {
    SimTree.write(attributePath(address, attribute), content);
  }

  /** Deletes one attribute file of a device (e.g. {@code qat/cfg_services}). */
  public synchronized void deleteAttribute(PciAddress address, String attribute)
      throws IOException {
    Files.deleteIfExists(attributePath(address, attribute));
  }

  /** Writes a QAT PF's heartbeat status ({@code 0} alive, {@code -1} failed). */
  public synchronized void setHeartbeat(PciAddress pf, int status) throws IOException {
    SimTree.write(layout.heartbeat(registry.existing(pf).ids(), pf), status + "\n");
  }

  /** Writes a Gen4+ PF's {@code qat/state} raw ({@code up}, {@code down}, or garbage). */
  public void setQatState(PciAddress pf, String state) throws IOException {
    writeAttribute(pf, "qat/state", state + "\n");
  }

  /** Writes a Gen4+ PF's {@code qat/cfg_services} raw. */
  public void setServices(PciAddress pf, String services) throws IOException {
    writeAttribute(pf, "qat/cfg_services", services + "\n");
  }

  /** Deletes the device's /dev/vfio node (as a lost devtmpfs entry). */
  public synchronized void removeVfioNode(PciAddress address) throws IOException {
    Files.deleteIfExists(layout.vfioNode(registry.existing(address).group()));
  }

  // ---- queries ----

  public synchronized boolean exists(PciAddress address) {
    return registry.find(address).isPresent();
  }

  /** Every device present, root ports included, by address. */
  public synchronized List<PciAddress> devices() {
    return registry.addresses();
  }

  /** The enabled VFs of a PF, in {@code virtfn} order; empty for anything else. */
  public synchronized List<PciAddress> vfs(PciAddress pf) {
    return registry.pf(pf).map(p -> List.copyOf(p.vfs.subList(0, p.enabled))).orElse(List.of());
  }

  public synchronized VfioGroup group(PciAddress address) {
    return registry.existing(address).group();
  }

  public synchronized Optional<String> driver(PciAddress address) throws IOException {
    return layout.driver(registry.existing(address));
  }

  /** {@code driver_override} without its newline: {@code (null)} when unset. */
  public synchronized String driverOverride(PciAddress address) throws IOException {
    return layout.driverOverride(registry.existing(address));
  }

  /** The device's real directory under {@code sys/devices}. */
  public synchronized Path deviceDir(PciAddress address) {
    return registry.existing(address).dir();
  }

  /** The device's /dev/vfio node (present only while it is on vfio-pci). */
  public synchronized Path vfioNode(PciAddress address) {
    return layout.vfioNode(registry.existing(address).group());
  }

  synchronized Optional<SimDevice> deviceAt(Path realDir) {
    return registry.at(realDir);
  }

  private Path attributePath(PciAddress address, String attribute) {
    if (!ATTRIBUTE.matcher(attribute).matches()) {
      throw new IllegalArgumentException(
          "tried to name attribute '"
              + attribute
              + "', but only relative names of [A-Za-z0-9_/] work");
    }
    return registry.existing(address).dir().resolve(attribute);
  }

  private static PciAddress fromRid(int domain, int rid) {
    if (rid > 0xffff) {
      throw new IllegalArgumentException(
          "tried to place a VF at routing ID " + rid + ", but it is past bus ff");
    }
    return new PciAddress(domain, rid >> 8, (rid >> 3) & 0x1f, rid & 7);
  }

  static PciAddress parse(String address) {
    return PciAddress.parse(address)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "tried to read PCI address '"
                        + address
                        + "', but it is not like 0000:3d:00.0"));
  }
}
